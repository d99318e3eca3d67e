import type { TableModel } from '../../kernel/model/table-model.js';
import type { BlobStore } from '../ports/blob-store.js';
import { FILE_BLOB_KEY } from './export-record-format.js';

/**
 * Exported records with their files' bytes: `base64Content` added to each file object of a
 * `file` or `file[]` column (the input `strata import` takes back), read from the blob store
 * one record at a time as the records are written, so memory holds one record's files (and
 * their base64 text, 4/3 of their size) however large the table.
 */
export async function* withFileContent(records: AsyncIterable<Record<string, unknown>>, table: TableModel, blobs: BlobStore): AsyncGenerator<Record<string, unknown>> {
  const leaves = table.leaves.filter((l) => l.type === 'file' || l.type === 'file[]');
  for await (const record of records) {
    for (const leaf of leaves) {
      const value = leaf.path.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown> | null | undefined)?.[k], record);
      const files = (Array.isArray(value) ? value : value ? [value] : []) as Array<Record<string | symbol, unknown>>;
      for (const file of files) {
        try {
          file.base64Content = await base64Of(blobs, file[FILE_BLOB_KEY] as string | null | undefined);
        } catch (err) {
          throw new Error(`record [${String(record.id)}] column [${leaf.path}]: the content of file [${String(file.name)}] cannot be read: ${(err as Error).message}`);
        }
      }
    }
    yield record;
  }
}

async function base64Of(blobs: BlobStore, key: string | null | undefined): Promise<string> {
  if (!key) return ''; // an empty file has no blob
  const chunks: Buffer[] = [];
  for await (const chunk of blobs.read(key)) chunks.push(chunk);
  return Buffer.concat(chunks).toString('base64');
}
