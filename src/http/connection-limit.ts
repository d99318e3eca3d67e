import type { Server } from 'node:http';

/**
 * STRATA_MAX_CONNECTIONS_PER_ADDRESS: open sockets one client address may hold. A connection
 * past the limit is destroyed as it arrives, before a byte is parsed, so one client cannot use
 * up the process's sockets and memory (slow bodies, idle keep-alives). The address is the
 * socket's own: behind a proxy every client shares the proxy's, so raise the limit or set 0 there.
 */
export function limitConnectionsPerAddress(server: Server, limit: number): void {
  if (limit <= 0) return;
  const open = new Map<string, number>();
  server.on('connection', (socket) => {
    const address = socket.remoteAddress ?? '';
    const count = open.get(address) ?? 0;
    if (count >= limit) {
      socket.destroy();
      return;
    }
    open.set(address, count + 1);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left > 0) open.set(address, left); else open.delete(address);
    });
  });
}
