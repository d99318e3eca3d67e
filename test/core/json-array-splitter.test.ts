import { Readable } from 'node:stream';
import { expect, it } from 'vitest';
import { JsonArraySplitter, type JsonElement } from '../../src/core/transfer/json-array-splitter.js';

/** Elements of a JSON array fed in the given chunks. */
async function split(chunks: string[]): Promise<JsonElement[]> {
  const out: JsonElement[] = [];
  for await (const e of Readable.from(chunks).pipe(new JsonArraySplitter())) out.push(e as JsonElement);
  return out;
}

it('splits a JSON array into its elements whatever chunks the text arrives in, strings and nesting spanning chunks', async () => {
  const records = [{ a: 'x'.repeat(50), b: { c: [1, 2, '],{'] } }, { s: 'quote \\" and, comma ]' }, [3, 4], 'text', 5];
  const text = `[\n${records.map((r) => JSON.stringify(r)).join(',\n')}\n]\n`;
  for (const size of [1, 2, 3, 7, 16, 64, text.length]) {
    const chunks: string[] = [];
    for (let i = 0; i < text.length; i += size) chunks.push(text.slice(i, i + size));
    const elements = await split(chunks);
    expect(elements.map((e) => JSON.parse(e.text)), `chunks of ${size}`).toEqual(records);
    expect(elements.map((e) => e.line), `chunks of ${size}`).toEqual([2, 3, 4, 5, 6]);
  }
});
