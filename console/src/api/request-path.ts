/**
 * The path and query of a request-history URI. Entries carry absolute URIs, as Xano's do (the
 * server's public URL or origin first); the console shows the part that tells requests apart.
 */
export function requestPath(uri: string): string {
  try {
    const url = new URL(uri);
    return `${url.pathname}${url.search}`;
  } catch {
    return uri;
  }
}
