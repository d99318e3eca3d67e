import fs from 'node:fs';
import readline from 'node:readline';
import { parse } from 'csv-parse';
import { JsonArraySplitter, type JsonElement } from './json-array-splitter.js';
import type { TransferFormat } from './transfer-formats.js';

/**
 * One record of an input file: its line, and its fields. CSV fields are text (`text: true`),
 * an empty cell left out; JSON fields are values. `fault` is a record that
 * could not be read (bad JSON), reported against its line.
 */
export interface SourceRow { line: number; fields: Record<string, unknown>; text: boolean; fault?: string }

export interface RecordSource {
  rows: AsyncIterable<SourceRow>;
  /** Bytes read from the file so far, and its size (for progress). */
  bytesRead(): number;
  totalBytes: number;
  /** The CSV header, once the first row was read (undefined for JSON). */
  header?(): string[] | undefined;
}

export function openSource(file: string, format: TransferFormat): RecordSource {
  const totalBytes = fs.statSync(file).size;
  const input = fs.createReadStream(file);
  let read = 0;
  input.on('data', (chunk) => { read += chunk.length; });
  const bytesRead = () => read;
  if (format === 'csv') return csvSource(input, totalBytes, bytesRead);
  if (format === 'ndjson') return { rows: ndjsonRows(input), bytesRead, totalBytes };
  return { rows: jsonRows(input), bytesRead, totalBytes };
}

function csvSource(input: fs.ReadStream, totalBytes: number, bytesRead: () => number): RecordSource {
  let header: string[] | undefined;
  const parser = input.pipe(parse({
    columns: (names: string[]) => { header = names.map((n) => n.trim()); return header; },
    bom: true, info: true, relax_column_count: true, skip_empty_lines: true,
  }));
  input.on('error', (err) => parser.destroy(err));
  const rows = (async function* () {
    for await (const { record, info } of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
      // An empty cell is no value (quoted or not: telling them apart costs csv-parse's per-field
      // cast, ten times its parse): JSON and NDJSON carry empty strings.
      for (const key in record) if (record[key] === '') delete record[key];
      yield { line: info.lines, fields: record, text: true } satisfies SourceRow;
    }
  })();
  return { rows, bytesRead, totalBytes, header: () => header };
}

async function* ndjsonRows(input: fs.ReadStream): AsyncGenerator<SourceRow> {
  let line = 0;
  for await (const text of readline.createInterface({ input, crlfDelay: Infinity })) {
    line++;
    if (text.trim() === '') continue;
    yield parsedRow(line, text);
  }
}

async function* jsonRows(input: fs.ReadStream): AsyncGenerator<SourceRow> {
  const splitter = input.setEncoding('utf8').pipe(new JsonArraySplitter());
  input.on('error', (err) => splitter.destroy(err));
  for await (const element of splitter as AsyncIterable<JsonElement>) yield parsedRow(element.line, element.text);
}

function parsedRow(line: number, text: string): SourceRow {
  let value: unknown;
  try { value = JSON.parse(text); } catch (err) { return { line, fields: {}, text: false, fault: `invalid JSON: ${(err as Error).message}` }; }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { line, fields: {}, text: false, fault: 'a record must be a JSON object' };
  return { line, fields: value as Record<string, unknown>, text: false };
}
