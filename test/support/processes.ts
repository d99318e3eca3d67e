import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';

/** The real binaries as child processes: `npx strata …` and `npm start` (the compiled code). */
export const ROOT = path.resolve(import.meta.dirname, '../..');
type StorageConfig = { dataDir: string; databaseUrl?: string };

/** Runs the real `strata` bin (as `npx strata` does) against the engine's storage. */
export function cli(args: string[], config: StorageConfig) {
  const result = spawnSync(process.execPath, [path.join(ROOT, 'bin/strata.js'), ...args], {
    cwd: ROOT, encoding: 'utf8', timeout: 30_000,
    env: { ...process.env, DATA_DIR: config.dataDir, DATABASE_URL: config.databaseUrl ?? '' },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The same, without waiting: for running several at once. */
export function cliAsync(args: string[], config: StorageConfig): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/strata.js'), ...args], {
      cwd: ROOT, env: { ...process.env, DATA_DIR: config.dataDir, DATABASE_URL: config.databaseUrl ?? '' },
    });
    let stdout = '', stderr = '';
    child.stdout.on('data', (c) => { stdout += c; });
    child.stderr.on('data', (c) => { stderr += c; });
    child.on('exit', (status) => resolve({ status, stdout, stderr }));
  });
}

/** Starts `node dist/main.js` (what `npm start` runs) and resolves once it serves. */
export function startServer(config: StorageConfig, env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [path.join(ROOT, 'dist/main.js')], {
    cwd: ROOT, env: { ...process.env, DATA_DIR: config.dataDir, DATABASE_URL: config.databaseUrl ?? '', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
  });
  let output = '';
  const ready = new Promise<{ url: string; output: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 20_000);
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const match = /Strata serving on (http:\/\/[\d.]+:\d+)/.exec(output);
      if (match) { clearTimeout(timer); resolve({ url: match[1]!, output }); }
    });
    child.stderr.on('data', (chunk) => { output += chunk; });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited with ${code}:\n${output}`)); });
  });
  const stop = () => new Promise<void>((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
  /** Ends the process at once (SIGKILL: no shutdown hooks, as a crash or an OOM kill would). */
  const kill = () => new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
  return { ready, stop, kill };
}
