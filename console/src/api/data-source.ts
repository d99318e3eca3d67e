/**
 * The console names branches (`/w/{ws}/b/{branch}`, the data API's word); the Metadata API
 * names data sources (its `x-data-source` header): branch `main` is data source `live`, any
 * other branch is the data source of the same name.
 */
export const LIVE = 'live';

export const dataSourceOf = (branch: string): string => (branch === 'main' ? LIVE : branch);
export const branchOf = (label: string): string => (label === LIVE ? 'main' : label);

/** The header every Metadata API table, schema, index and content call on `branch` carries. */
export const onBranch = (branch: string, signal?: AbortSignal) => ({ headers: { 'x-data-source': dataSourceOf(branch) }, signal });
