import { badRequest } from '../../kernel/errors.js';

/** The file formats export and import speak: CSV (a header row), a JSON array, NDJSON (one record per line). */
export type TransferFormat = 'csv' | 'json' | 'ndjson';
export const TRANSFER_FORMATS: readonly TransferFormat[] = ['csv', 'json', 'ndjson'];

const EXTENSIONS: Record<string, TransferFormat> = { '.csv': 'csv', '.json': 'json', '.ndjson': 'ndjson', '.jsonl': 'ndjson' };

/** The format named, or the one the file's extension says. */
export function transferFormat(named: string | undefined, file?: string): TransferFormat {
  if (named !== undefined) {
    if (!(TRANSFER_FORMATS as readonly string[]).includes(named)) throw badRequest(`unknown format [${named}]: use ${TRANSFER_FORMATS.join(', ')}`);
    return named as TransferFormat;
  }
  const ext = file ? /\.[a-z]+$/i.exec(file)?.[0]?.toLowerCase() : undefined;
  const format = ext ? EXTENSIONS[ext] : undefined;
  if (!format) throw badRequest(`cannot tell the format of [${file ?? '-'}]: name it with --format ${TRANSFER_FORMATS.join('|')}`);
  return format;
}

/** The extension a table's file gets in a directory export. */
export const extensionOf = (format: TransferFormat): string => `.${format}`;
