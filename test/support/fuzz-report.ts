import { pathOf, type FuzzRequest } from './fuzz-requests.js';

/**
 * The violations of a fuzz run, collected instead of stopping at the first: deduplicated by
 * kind, route and status, each with its first request written out so it can be replayed by
 * hand, and a count.
 */
const clip = (text: string, max = 300) => (text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text);

export class FuzzReport {
  private readonly found = new Map<string, { example: string; count: number }>();

  add(kind: string, actor: string, request: FuzzRequest, answer: string): void {
    const key = `${kind} | ${request.op.method} ${request.op.route.url} | ${answer.split(' ')[0]}`;
    const entry = this.found.get(key);
    if (entry) { entry.count++; return; }
    const body = request.body ? `\n    body (${request.body.contentType}): ${clip(JSON.stringify(request.body.text))}` : '';
    const headers = Object.keys(request.headers).length ? `\n    headers: ${clip(JSON.stringify(request.headers))}` : '';
    this.found.set(key, { example: `as ${actor}: ${request.op.method} ${clip(pathOf(request))}${headers}${body}\n    → ${clip(answer)}`, count: 1 });
  }

  /** Something that is not about one request (the data changed, the server stopped answering). */
  note(kind: string, subject: string, detail: string): void {
    this.found.set(`${kind} | ${subject}`, { example: detail, count: 1 });
  }

  get size(): number { return this.found.size; }

  text(header: string): string {
    if (!this.found.size) return '';
    return [header, ...[...this.found].map(([key, { example, count }]) => `- ${key} (×${count})\n    ${example}`)].join('\n');
  }
}
