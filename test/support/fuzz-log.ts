import { Writable } from 'node:stream';

/**
 * The server's error log lines, kept so that a 5xx in the fuzz report says what failed inside
 * (the error's message and where it was thrown). Requests are sent one at a time, so the lines
 * written since a request started are that request's.
 */
export class ErrorLog {
  private lines: string[] = [];
  readonly stream = new Writable({
    write: (chunk: Buffer, _encoding, done) => {
      for (const line of chunk.toString('utf8').split('\n')) if (line) this.lines.push(line);
      done();
    },
  });

  /** What was logged since the last call: each error's message and its first frames. */
  take(): string {
    const taken = this.lines.map((line) => {
      try {
        const entry = JSON.parse(line) as { msg?: string; err?: { type?: string; message?: string; stack?: string } };
        const frames = entry.err?.stack?.split('\n').slice(1, 4).map((f) => f.trim()).join(' < ') ?? '';
        return `${entry.msg}: ${entry.err?.type ?? ''} ${entry.err?.message ?? ''} ${frames}`.slice(0, 600);
      } catch {
        return line.slice(0, 600);
      }
    });
    this.lines = [];
    return taken.join(' | ');
  }
}
