/**
 * Which files a browser may show inline. A file is served from Strata's own origin, so a type
 * the browser would run as a document (HTML, XHTML, SVG, XML with an XSL stylesheet, and any
 * type it might treat so tomorrow) must be downloaded instead. This is an allow-list of types
 * that render passively — raster images, PDF, plain text, audio and video — rather than a
 * deny-list of active ones: `text/xsl` slipped past the deny-list this replaced.
 */
const PASSIVE = new Set([
  'image/png', 'image/apng', 'image/jpeg', 'image/gif', 'image/webp', 'image/avif', 'image/bmp', 'image/x-icon', 'image/vnd.microsoft.icon',
  'application/pdf', 'text/plain',
]);
const PASSIVE_FAMILY = /^(audio|video)\/[-+.\w]+$/;
const MEDIA_TYPE = /^[\w!#$&^.+-]+\/[\w!#$&^.+-]+$/;

/** The `type/subtype` a file is sent as: lower case, no parameters; `application/octet-stream` when malformed. */
export function essence(mediaType: string): string {
  const bare = mediaType.split(';')[0]!.trim().toLowerCase();
  return MEDIA_TYPE.test(bare) ? bare : 'application/octet-stream';
}

/** Whether a file of this type (an essence) may be shown inline; everything else is an attachment. */
export const showsInline = (type: string): boolean => PASSIVE.has(type) || PASSIVE_FAMILY.test(type);
