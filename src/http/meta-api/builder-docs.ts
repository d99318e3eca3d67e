import { BUILDER_KINDS } from './builder-routes.js';

type Ok = (description: string, example: unknown) => Record<string, unknown>;

/** OpenAPI summaries of the function-builder routes Strata answers without a builder (builder-routes.ts). */
export function builderExamples(prefix: string, ok: Ok): Record<string, Record<string, unknown>> {
  const none = 'Strata has no function builder, so there are none.';
  return Object.fromEntries(BUILDER_KINDS.flatMap((kind) => {
    const url = `${prefix}${kind.path}`;
    const one = `${url}/:${kind.idParam}`;
    return [
      [`GET ${url}`, { summary: `List ${kind.what}s (always an empty page)`, description: `${none} The page is Xano's paging object, \`items\` empty.`, response: ok('An empty page', { curPage: 1, nextPage: null, prevPage: null, items: [] }) }],
      [`POST ${url}`, { summary: `Create a ${kind.what} (refused)`, description: `${none} Always an input error (400, \`ERROR_CODE_INPUT_ERROR\`) saying so.`, response: ok('Never answered', {}) }],
      [`GET ${one}`, { summary: `A ${kind.what} (always not found)`, description: none, response: ok('Never answered', {}) }],
      [`PUT ${one}`, { summary: `Update a ${kind.what} (always not found)`, description: none, response: ok('Never answered', {}) }],
      [`DELETE ${one}`, { summary: `Delete a ${kind.what} (always not found)`, description: none, response: ok('Never answered', {}) }],
    ];
  }));
}
