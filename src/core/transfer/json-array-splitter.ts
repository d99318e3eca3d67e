import { Transform, type TransformCallback } from 'node:stream';

/** One element of a JSON array as text, with the line it starts on. */
export interface JsonElement { line: number; text: string }

/**
 * Splits a top-level JSON array into its elements' texts as the bytes stream in, so a large
 * export is parsed one record at a time (JSON.parse of the whole file would hold it all).
 * It tracks strings, escapes and nesting only: each element is then parsed on its own.
 */
export class JsonArraySplitter extends Transform {
  private line = 1;
  private state: 'start' | 'between' | 'value' | 'end' = 'start';
  private depth = 0;
  private inString = false;
  private escaped = false;
  private parts: string[] = [];
  private startLine = 1;

  constructor() {
    super({ readableObjectMode: true, decodeStrings: false });
    this.setDefaultEncoding('utf8');
  }

  override _transform(chunk: string | Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    const text = typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    try {
      this.scan(text);
      done();
    } catch (err) {
      done(err as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    done(this.state === 'end' ? undefined : new Error(`line ${this.line}: the JSON array is not closed`));
  }

  private scan(text: string): void {
    // A value that began in an earlier chunk goes on from this chunk's first character.
    let from = this.state === 'value' ? 0 : -1;
    for (let i = 0; i < text.length; i++) {
      const c = text[i]!;
      if (c === '\n') this.line++;
      if (this.state === 'value') {
        if (this.inString) {
          if (this.escaped) this.escaped = false;
          else if (c === '\\') this.escaped = true;
          else if (c === '"') this.inString = false;
          continue;
        }
        if (c === '"') { this.inString = true; continue; }
        if (c === '{' || c === '[') { this.depth++; continue; }
        if ((c === '}' || c === ']') && this.depth > 0) { this.depth--; continue; }
        if (this.depth === 0 && (c === ',' || c === ']')) {
          this.parts.push(text.slice(from, i));
          this.push({ line: this.startLine, text: this.parts.join('') } satisfies JsonElement);
          this.parts = [];
          this.state = c === ',' ? 'between' : 'end';
          from = -1;
        }
        continue;
      }
      if (/\s/.test(c)) continue;
      if (this.state === 'start') {
        if (c !== '[') throw new Error(`line ${this.line}: expected a JSON array of records`);
        this.state = 'between';
      } else if (this.state === 'between') {
        if (c === ']' && this.parts.length === 0) { this.state = 'end'; continue; }
        this.state = 'value';
        this.startLine = this.line;
        from = i;
        i--; // the first character is scanned as part of the value
        if (c === '\n') this.line--;
      } else {
        throw new Error(`line ${this.line}: unexpected text after the JSON array`);
      }
    }
    if (from >= 0) this.parts.push(text.slice(from));
  }
}
