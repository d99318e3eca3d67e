import { REQUEST_LIMITS, limitExceeded } from '../../kernel/request-limits.js';

/**
 * What one request's filters may hold (core/request-limits.ts), counted while a filter
 * language is parsed into the AST: nesting is checked before the parser descends (so no
 * filter can overflow the stack), lists before their items are read, and conditions as
 * they are built, so a filter past a limit costs no more than one at the limit. One budget
 * may span several filters of a request (an aggregate's filter and its aggregations').
 */
export class FilterBudget {
  private nodes = 0;
  private values = 0;

  /** About to read a group or condition nested `depth` levels deep (1 = the top level). */
  enter(depth: number, param?: string): void {
    if (depth > REQUEST_LIMITS.filterDepth) throw limitExceeded('filter nesting depth', 'filterDepth', param);
  }

  /** One condition or group (`count` of them: a list of sub-filters is checked before it is read). */
  node(param?: string, count = 1): void {
    if ((this.nodes += count) > REQUEST_LIMITS.filterNodes) throw limitExceeded('conditions and groups in one filter', 'filterNodes', param);
  }

  /** A list of `length` values (each one SQL variable), before its values are read. */
  list(length: number, param?: string): void {
    if (length > REQUEST_LIMITS.listValues) throw limitExceeded('values in one list', 'listValues', param);
    if ((this.values += length) > REQUEST_LIMITS.filterValues) throw limitExceeded('listed values in the filters of one request', 'filterValues', param);
  }

  /** A list of `length` sub-filters: no more than the conditions a filter may hold. */
  width(length: number, param?: string): void {
    if (this.nodes + length > REQUEST_LIMITS.filterNodes) throw limitExceeded('conditions and groups in one filter', 'filterNodes', param);
  }
}
