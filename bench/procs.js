/**
 * Child processes of the benchmark: started with a known port on 127.0.0.1, stopped with
 * SIGTERM (then SIGKILL after a grace period). Every child is tracked so the run can shut
 * them all down on success, error or SIGINT.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';

const live = new Set();

/** A free TCP port on 127.0.0.1 (asked from the OS). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts `node args…` with env; stdout and stderr go to logFile and are kept (tail) in memory.
 * Returns a handle: {child, name, output(), exited, stop()}.
 */
export function startChild(name, args, { env = {}, logFile, nodeArgs = [] } = {}) {
  const child = spawn(process.execPath, [...nodeArgs, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = logFile ? fs.createWriteStream(logFile) : undefined;
  let out = '';
  const keep = (chunk) => {
    out = (out + chunk.toString()).slice(-64 * 1024);
    log?.write(chunk);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => {
    live.delete(handle);
    log?.end();
    resolve({ code, signal });
  }));
  const handle = {
    name,
    child,
    exited,
    get running() { return child.exitCode === null && child.signalCode === null; },
    output: () => out,
    async stop(graceMs = 10_000) {
      if (!handle.running) return exited;
      child.kill('SIGTERM');
      const timer = setTimeout(() => { if (handle.running) child.kill('SIGKILL'); }, graceMs);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
  };
  live.add(handle);
  return handle;
}

/** Runs a child to completion (bounded by timeoutMs); resolves with its output, rejects on failure. */
export async function runChild(name, args, opts = {}) {
  const handle = startChild(name, args, opts);
  const timeoutMs = opts.timeoutMs ?? 600_000;
  const timer = setTimeout(() => { if (handle.running) handle.child.kill('SIGKILL'); }, timeoutMs);
  const { code, signal } = await handle.exited;
  clearTimeout(timer);
  if (code !== 0) throw new Error(`${name} failed (code ${code}, signal ${signal}):\n${handle.output().slice(-4000)}`);
  return handle.output();
}

/** Waits (bounded) until `check()` resolves truthy; fails early when the child exits. */
export async function waitFor(handle, what, check, { timeoutMs = 30_000, intervalMs = 100 } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; attempt < Math.ceil(timeoutMs / intervalMs) + 1 && Date.now() < deadline; attempt++) {
    if (!handle.running) throw new Error(`${handle.name} exited while waiting for ${what}:\n${handle.output().slice(-4000)}`);
    try {
      const value = await check();
      if (value) return value;
    } catch { /* not yet */ }
    await sleep(intervalMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (${handle.name}):\n${handle.output().slice(-4000)}`);
}

/** Stops every child still running (in parallel, each SIGTERM then SIGKILL). */
export async function stopAll(graceMs = 5000) {
  await Promise.all([...live].map((h) => h.stop(graceMs).catch(() => undefined)));
}

/** Last resort on process exit: SIGKILL whatever is left (synchronous). */
export function killAllNow() {
  for (const h of live) {
    try { h.child.kill('SIGKILL'); } catch { /* gone */ }
  }
}
