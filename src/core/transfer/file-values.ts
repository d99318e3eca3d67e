/**
 * A file value of an export → a file input the write path takes (`{name, mediaType,
 * base64Content}`). Exports carry files as a URL (Xata's `url`, Xano's `url`/path), as
 * base64 text, or as the input object itself. A URL is downloaded (http and https only),
 * up to the inline limit the write path applies anyway.
 */
const MAX_BYTES = 15 * 1024 * 1024;
const URL_TEXT = /^https?:\/\//i;
const FILE_INPUT_KEYS = ['name', 'mediaType', 'base64Content', 'enablePublicUrl', 'signedUrlTimeout', 'uploadUrlTimeout', 'id'];

export async function fetchFileValue(value: unknown): Promise<unknown> {
  if (typeof value === 'string') {
    if (URL_TEXT.test(value)) return download(value, {});
    return { name: 'file', base64Content: value.replace(/\s+/g, '') };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const file = value as Record<string, unknown>;
  const input = Object.fromEntries(FILE_INPUT_KEYS.filter((k) => file[k] !== undefined).map((k) => [k, file[k]]));
  const url = typeof file.url === 'string' && URL_TEXT.test(file.url) ? file.url : undefined;
  if (input.base64Content === undefined && url) return download(url, input);
  return input;
}

async function download(url: string, given: Record<string, unknown>): Promise<Record<string, unknown>> {
  const response = await fetch(url, { redirect: 'follow', signal: AbortSignal.timeout(60_000) });
  if (!response.ok) throw new Error(`file [${url}]: download answered ${response.status}`);
  const bytes = Buffer.from(await response.arrayBuffer());
  if (bytes.length > MAX_BYTES) throw new Error(`file [${url}]: larger than ${MAX_BYTES} bytes`);
  const name = given.name ?? decodeURIComponent(new URL(url).pathname.split('/').pop() || 'file');
  const mediaType = given.mediaType ?? response.headers.get('content-type')?.split(';')[0]?.trim() ?? 'application/octet-stream';
  return { ...given, name, mediaType, base64Content: bytes.toString('base64') };
}
