/**
 * The one definition of a percentile, as Xata answered it. Xata's aggregations ran on
 * Elasticsearch 7, whose percentiles are a TDigest (t-digest 3.2's AVLTreeDigest,
 * compression 100) asked for the quantile q = p / 100. While a group holds at most 200
 * values every value stays a centroid of its own (weight 1: a value joins a centroid only
 * when 4 · count · q(1 − q) / 100 ≥ 2, which needs 200 values already added), and the digest's quantile over n sorted values x₀ … xₙ₋₁ is then
 * exactly this (index = n · q; centroid i sits at i + ½):
 *
 *   index < ½       → (min · index + x₀ · (½ − index)) / ½     (the left tail, from min = x₀)
 *   index ≥ n − ½   → xₙ₋₁                                      (the right tail, to max)
 *   otherwise       i = ⌊index − ½⌋, z₁ = index − (i + ½), z₂ = (i + 1.5) − index:
 *                   (xᵢ · z₂ + xᵢ₊₁ · z₁) / (z₁ + z₂), kept within [xᵢ, xᵢ₊₁]
 *
 * That is linear interpolation at the 0-based rank n · q − ½, clamped to the ends
 * (Hyndman–Fan type 5, Hazen's rule), not `percentile_cont`'s (n − 1) · q: for 2, 3, 6, 8, 12
 * the 10th … 90th percentiles are 2, 2.5, 3, 4.5, 6, 7, 8, 10, 12, which the SDK's own suite
 * expects. The arithmetic is written in the digest's order so results match to the bit.
 * Strata applies the rule exactly for any n (past 200 values Elasticsearch merged centroids
 * and estimated). Nulls are ignored; no values give null. SQLite runs this function
 * (sqlite-percentile-function.ts); PostgreSQL's dialect writes the same steps in SQL.
 */
export function xataPercentile(values: number[], p: number): number | null {
  return percentileOfSorted([...values].sort((a, b) => a - b), p / 100);
}

/** The rule above over values already sorted ascending, for q = p / 100. */
export function percentileOfSorted(sorted: number[], q: number): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  if (n === 1) return sorted[0]!;
  const index = n * q;
  if (index < 0.5) return (sorted[0]! * index + sorted[0]! * (0.5 - index)) / 0.5;
  if (index >= n - 0.5) return sorted[n - 1]!;
  const i = Math.floor(index - 0.5);
  const z1 = index - (i + 0.5);
  const z2 = i + 1.5 - index;
  const a = sorted[i]!;
  const b = sorted[i + 1]!;
  return Math.max(a, Math.min((a * z2 + b * z1) / (z1 + z2), b));
}

/**
 * The key of a percentile in a response, as Xata's search store (Elasticsearch, Java
 * doubles) wrote it: `50` → "50.0", `99.9` → "99.9".
 */
export function percentileKey(p: number): string {
  return Number.isInteger(p) ? `${p}.0` : String(p);
}
