/**
 * Typo tolerance: bounded edit distances over code points, where an edit is an insertion,
 * a deletion, a substitution or a transposition of two neighbours ("lmap" → "lamp" is one
 * edit, as in Elasticsearch's fuzzy queries behind Xata: optimal string alignment).
 * Storage lists index terms near a query term with these, so every engine agrees on what
 * "within n edits" means.
 */

/** Most index terms one query term expands to (Elasticsearch's fuzzy max_expansions, as Xata's search had). */
export const MAX_EXPANSIONS = 50;

/** The edits a term may take: never as many as it has characters (a one-letter term stays exact). */
export function allowedEdits(term: string, fuzziness: number): number {
  return Math.max(0, Math.min(fuzziness, [...term].length - 1));
}

/** Edit distance of `a` and `b` when at most `max`, otherwise `max + 1`. */
export function editDistance(a: string, b: string, max: number): number {
  const s = [...a];
  const t = [...b];
  if (Math.abs(s.length - t.length) > max) return max + 1;
  const last = distanceRows(s, t, max);
  return Math.min(last[t.length]!, max + 1);
}

/** The smallest edit distance between `term` and a prefix of `word`, when at most `max`, otherwise `max + 1`. */
export function prefixEditDistance(term: string, word: string, max: number): number {
  const s = [...term];
  const t = [...word];
  if (t.length < s.length - max) return max + 1;
  const last = distanceRows(s, t, max);
  return Math.min(max + 1, ...last);
}

/** The last row of the edit-distance table of `s` against every prefix of `t` (rows past `max` are cut short). */
function distanceRows(s: string[], t: string[], max: number): number[] {
  let beforePrevious: number[] = [];
  let previous = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const current = [i];
    let best = i;
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) value = Math.min(value, beforePrevious[j - 2]! + 1);
      current.push(value);
      if (value < best) best = value;
    }
    // A row entirely past `max` ends it: every later cell (a transposition included) costs at least as much.
    if (best > max) return current.map(() => max + 1);
    beforePrevious = previous;
    previous = current;
  }
  return previous;
}

/**
 * A word's one-deletion neighbourhood: the distinct strings left by removing one of its
 * characters. Two words within one edit (transpositions included) share a key, where a word
 * counts as its own key: insertion and deletion give the shorter word as a key of the longer,
 * a substitution at i removes i from both, a transposition at i removes i from one and i + 1
 * from the other. Storage indexes these keys to find a word's neighbours without a scan.
 */
export function deletionKeys(word: string): string[] {
  const chars = [...word];
  const keys = new Set<string>();
  for (let i = 0; i < chars.length; i++) keys.add(chars.slice(0, i).join('') + chars.slice(i + 1).join(''));
  return [...keys];
}

/**
 * The index terms within `edits` of `term` (of a prefix of them, for a prefix term), nearest
 * first, at most `limit`. The term itself, and for a prefix term every word it
 * begins, are left out: the exact query matches those already.
 */
export function nearestTerms(term: string, candidates: Iterable<string>, edits: number, prefix: boolean, limit = MAX_EXPANSIONS): string[] {
  if (edits <= 0) return [];
  const found: Array<{ word: string; distance: number }> = [];
  const seen = new Set<string>();
  for (const word of candidates) {
    if (seen.has(word) || word === term || (prefix && word.startsWith(term))) continue;
    seen.add(word);
    const distance = prefix ? prefixEditDistance(term, word, edits) : editDistance(term, word, edits);
    if (distance <= edits) found.push({ word, distance });
  }
  found.sort((a, b) => a.distance - b.distance || a.word.length - b.word.length || (a.word < b.word ? -1 : 1));
  return found.slice(0, limit).map((f) => f.word);
}
