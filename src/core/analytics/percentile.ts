/**
 * The one definition of an exact percentile, which both engines' `percentile_cont`
 * implement (SQL:2003; Hyndman–Fan type 7, numpy's default): sort the n values; the p-th
 * percentile sits at rank h = (n - 1) · p / 100 (0-based) and is interpolated linearly
 * between the values at ⌊h⌋ and ⌈h⌉. Nulls are ignored; no values give null.
 * Xata's search store estimated percentiles (TDigest); Strata's are exact.
 */
export function exactPercentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const h = (sorted.length - 1) * (p / 100);
  const lower = Math.floor(h);
  const upper = Math.ceil(h);
  return sorted[lower]! + (h - lower) * (sorted[upper]! - sorted[lower]!);
}

/**
 * The key of a percentile in a response, as Xata's search store (Elasticsearch, Java
 * doubles) wrote it: `50` → "50.0", `99.9` → "99.9".
 */
export function percentileKey(p: number): string {
  return Number.isInteger(p) ? `${p}.0` : String(p);
}
