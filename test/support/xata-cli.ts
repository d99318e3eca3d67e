import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const XATA_BIN = fileURLToPath(new URL('../../node_modules/@xata.io/cli/bin/run.js', import.meta.url));

export interface XataRun {
  code: number | null; stdout: string; stderr: string;
  /** stdout and stderr, whitespace collapsed (the CLI wraps long messages to the terminal width). */
  output: string;
}

/**
 * The real `xata` CLI (@xata.io/cli) in a project directory of its own, pointed at a Strata
 * on `port`: HOME is a private temp dir (no real credentials read or written), there is no
 * TTY (the CLI then refuses any question a flag does not answer), and every run has a timeout.
 * The CLI exits 0 even when a command fails, so callers assert on its output and on Strata.
 */
export class XataProject {
  readonly dir: string;
  private readonly home: string;

  constructor(private readonly port: number, private readonly apiKey: string) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-xata-project-'));
    this.home = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-xata-home-'));
    // The CLI fetches a compatibility file from GitHub once a day; a fresh one keeps it offline.
    const version = path.join(this.dir, '.xata', 'version');
    fs.mkdirSync(version, { recursive: true });
    const compatible = { latest: '0.15.15', compatibility: [{ range: '>=0.0.0' }] };
    fs.writeFileSync(path.join(version, 'compatibility.json'), JSON.stringify({ '@xata.io/cli': compatible, '@xata.io/client': compatible }));
  }

  /** The provider string: control plane on 127.0.0.1, data plane on `{workspaceId}.{region}.localhost`. */
  get provider(): string {
    return `http://127.0.0.1:${this.port},http://{workspaceId}.{region}.localhost:${this.port}`;
  }

  databaseUrl(workspace: string, database: string, region = 'local'): string {
    return `http://${workspace}.${region}.localhost:${this.port}/db/${database}`;
  }

  run(args: string[], options: { env?: Record<string, string>; stdin?: string; timeoutMs?: number } = {}): Promise<XataRun> {
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: this.home,
      XDG_CONFIG_HOME: path.join(this.home, '.config'),
      XATA_API_KEY: this.apiKey,
      XATA_API_PROVIDER: this.provider,
      NO_COLOR: '1',
      FORCE_COLOR: '0',
      ...options.env,
    };
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [XATA_BIN, ...args], { cwd: this.dir, env, stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk) => { stdout += chunk; });
      child.stderr.on('data', (chunk) => { stderr += chunk; });
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`xata ${args.join(' ')} timed out\n${stdout}\n${stderr}`));
      }, options.timeoutMs ?? 25_000);
      child.on('error', (error) => { clearTimeout(timer); reject(error); });
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr, output: `${stdout}\n${stderr}`.replace(/[\s›]+/g, ' ') });
      });
      child.stdin.end(options.stdin ?? '');
    });
  }

  file(name: string): string {
    return fs.readFileSync(path.join(this.dir, name), 'utf8');
  }

  write(name: string, content: string): string {
    const full = path.join(this.dir, name);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, content);
    return full;
  }

  /** The local migration ledger the CLI keeps (`.xata/migrations/.ledger`), oldest first. */
  ledger(): string[] {
    const file = path.join(this.dir, '.xata', 'migrations', '.ledger');
    return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
  }

  remove(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
    fs.rmSync(this.home, { recursive: true, force: true });
  }
}
