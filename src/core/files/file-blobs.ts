import { newBlobKey } from '../ports/blob-store.js';
import { StrataError } from '../../kernel/errors.js';
import type { FileEffects } from './file-effects.js';
import { contradicts, imageSize, sniffMediaType } from './file-sniff.js';

export interface StoredContent { key: string; size: number; mediaType: string; attributes: Record<string, unknown> }

/**
 * Streams content into a new blob (noted as created, so a rollback removes it), then checks
 * the declared media type against the bytes and reads an image's size from them.
 */
export async function storeContent(effects: FileEffects, body: AsyncIterable<Uint8Array>, declared: string | undefined): Promise<StoredContent> {
  const key = newBlobKey();
  effects.created.push(key);
  const { blobs, maxBytes, quota } = effects.settings;
  const { size, head } = effects.owner ? await quota.put(blobs, effects.owner, key, body, maxBytes) : await blobs.put(key, body, maxBytes);
  if (declared && contradicts(declared, head)) {
    throw new StrataError('INVALID_VALUE', `file content is not of the declared media type [${declared}]`);
  }
  const mediaType = declared ?? sniffMediaType(head) ?? 'application/octet-stream';
  const dims = mediaType.startsWith('image/') ? imageSize(head, mediaType) : undefined;
  return { key, size, mediaType, attributes: dims ? { ...dims } : {} };
}

export async function* bufferBody(content: Buffer): AsyncIterable<Uint8Array> {
  if (content.length) yield content;
}
