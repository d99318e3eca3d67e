import { spawn } from 'node:child_process';
import path from 'node:path';
import { ROOT } from './processes.js';

type StorageConfig = { dataDir: string; databaseUrl?: string };
export interface CliRun { status: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

/**
 * The real `strata` bin as a child process (stdout and stderr are pipes: not a TTY), ended
 * after `timeoutMs` at most. `onStart` gets the child (to kill it mid-run).
 */
export function strataCli(args: string[], config: StorageConfig, opts: { timeoutMs?: number; cwd?: string; onStart?: (child: ReturnType<typeof spawn>) => void } = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/strata.js'), ...args], {
      cwd: opts.cwd ?? ROOT, env: { ...process.env, DATA_DIR: config.dataDir, DATABASE_URL: config.databaseUrl ?? '' },
    });
    let stdout = '', stderr = '';
    child.stdout.on('data', (c) => { stdout += c; });
    child.stderr.on('data', (c) => { stderr += c; });
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
    child.on('exit', (status, signal) => { clearTimeout(timer); resolve({ status, signal, stdout, stderr }); });
    opts.onStart?.(child);
  });
}
