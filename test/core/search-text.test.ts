import { describe, expect, it } from 'vitest';
import { allowedEdits, editDistance, MAX_EXPANSIONS, nearestTerms, prefixEditDistance } from '../../src/kernel/text/fuzzy.js';
import { highlightText, termMatcher } from '../../src/core/search/highlight.js';
import { queryWords, tokenize } from '../../src/kernel/text/search-text.js';

/** The engine-independent pieces of search: words, edit distances, expansions, highlight fragments. */
describe('search words', () => {
  it('are runs of letters, digits and marks, lowercased; punctuation separates', () => {
    expect(queryWords('Alice@Example.com  3.14 foo_bar ÜNÏ e\u0301x don\'t ALICE')).toEqual(['alice', 'example', 'com', '3', '14', 'foo', 'bar', 'ünï', 'e\u0301x', 'don', 't']);
    expect(tokenize('a  Bc')).toEqual([{ word: 'a', start: 0, end: 1 }, { word: 'bc', start: 3, end: 5 }]);
    expect(queryWords('!!! ---')).toEqual([]);
  });
});

describe('edit distances', () => {
  it('count a transposition of neighbours as one edit (as Elasticsearch fuzzy queries do)', () => {
    expect(editDistance('lmap', 'lamp', 1)).toBe(1);
    expect(editDistance('abcd', 'badc', 2)).toBe(2);
    expect(editDistance('ca', 'abc', 3)).toBe(3); // optimal string alignment: no edits inside a transposed pair
    expect(prefixEditDistance('lmap', 'lampshade', 1)).toBe(1);
    expect(nearestTerms('lmap', ['lamp', 'map', 'clamp'], 1, false)).toEqual(['map', 'lamp']);
  });

  it('are Levenshtein distances, capped at max + 1', () => {
    expect(editDistance('kitten', 'sitting', 3)).toBe(3);
    expect(editDistance('kitten', 'sitting', 2)).toBe(3);
    expect(editDistance('gray', 'grey', 1)).toBe(1);
    expect(editDistance('same', 'same', 0)).toBe(0);
    expect(editDistance('ab', 'abcd', 1)).toBe(2);
    expect(editDistance('naïve', 'naive', 1)).toBe(1); // code points, not bytes
    expect(editDistance('😀a', 'a', 1)).toBe(1);
  });

  it('to a prefix: the nearest prefix of the word', () => {
    expect(prefixEditDistance('ali', 'alice', 1)).toBe(0);
    expect(prefixEditDistance('alx', 'alice', 1)).toBe(1);
    expect(prefixEditDistance('xyz', 'alice', 2)).toBe(3);
    expect(prefixEditDistance('photosyn', 'photosynthesis', 0)).toBe(0);
  });

  it('never let a word change as many letters as it has', () => {
    expect(allowedEdits('a', 2)).toBe(0);
    expect(allowedEdits('ab', 2)).toBe(1);
    expect(allowedEdits('abc', 2)).toBe(2);
    expect(allowedEdits('abc', 0)).toBe(0);
  });
});

describe('term expansion', () => {
  it('keeps the index terms within the edits, nearest first, without the term itself or words it prefixes', () => {
    expect(nearestTerms('color', ['colour', 'color', 'dolor', 'colors', 'cooler', 'flavour'], 1, false)).toEqual(['dolor', 'colors', 'colour']);
    expect(nearestTerms('alx', ['alex', 'alice', 'alxander', 'bob'], 1, true)).toEqual(['alex', 'alice']);
    expect(nearestTerms('x', ['y'], 0, false)).toEqual([]);
    const many = Array.from({ length: 200 }, (_, i) => `ab${String.fromCharCode(0x4e00 + i)}`);
    expect(nearestTerms('ab', many, 1, false)).toHaveLength(MAX_EXPANSIONS);
  });
});

describe('highlights', () => {
  const matcher = termMatcher([{ text: 'needle', prefix: false, variants: ['needles'] }, { text: 'hay', prefix: true, variants: [] }]);

  it('mark every matching word, prefix matches and variants included, escaping HTML on request', () => {
    expect(highlightText('A needle & haystack <needles>', matcher, true)).toEqual(['A <em>needle</em> &amp; <em>haystack</em> &lt;<em>needles</em>&gt;']);
    expect(highlightText('A needle & haystack <needles>', matcher, false)).toEqual(['A <em>needle</em> & <em>haystack</em> <<em>needles</em>>']);
    expect(highlightText('nothing here', matcher, true)).toEqual([]);
  });

  it('cut long values into fragments around the matches, at most five', () => {
    const filler = 'lorem ipsum dolor sit amet '.repeat(10);
    const text = `${filler}first needle here ${filler}second needle there ${filler}`;
    const fragments = highlightText(text, matcher, true);
    expect(fragments).toHaveLength(2);
    expect(fragments[0]).toContain('first <em>needle</em> here');
    expect(fragments[1]).toContain('second <em>needle</em> there');
    for (const fragment of fragments) expect(fragment.length).toBeLessThan(130);
    const crowded = Array.from({ length: 20 }, () => `${filler}needle`).join(' ');
    expect(highlightText(crowded, matcher, true)).toHaveLength(5);
  });
});
