import { Type } from 'typebox';

/**
 * A `page` number of offset paging (the Metadata API's lists): an integer up to a million,
 * so `(page - 1) * per_page` stays a safe integer and an engine's OFFSET accepts it.
 */
export const MAX_PAGE = 1_000_000;
export const PageNumber = Type.Integer({ minimum: 1, maximum: MAX_PAGE, default: 1 });
