import { useState, type FormEvent } from 'react';
import { buildFilter, filterKind, operatorsFor, OPERATOR_LABELS, takesValue, type Combinator, type Condition, type Operator } from './filter-operators';
import type { GridColumn } from './table-columns';

export interface AppliedFilter { conditions: Condition[]; combinator: Combinator; filter?: Record<string, unknown> }

/**
 * Conditions (column, operator, value) combined with AND or OR, offering for each column
 * exactly the operators the data API accepts for its type. Nothing is sent until the
 * user applies; an operand that does not fit the column is reported before sending.
 */
export function FilterBuilder({ columns, applied, onApply }: { columns: GridColumn[]; applied: AppliedFilter; onApply: (f: AppliedFilter) => void }) {
  const [conditions, setConditions] = useState<Condition[]>(applied.conditions);
  const [combinator, setCombinator] = useState<Combinator>(applied.combinator);
  const [error, setError] = useState<string | null>(null);
  const choices = [{ path: 'id', kind: filterKind('id') }, ...columns.map((c) => ({ path: c.path, kind: filterKind(c.type) }))];

  const fresh = (path: string): Condition => {
    const kind = choices.find((c) => c.path === path)!.kind;
    return { column: path, kind, operator: operatorsFor(kind)[0]!, value: kind === 'bool' ? 'true' : '' };
  };
  const update = (i: number, change: Partial<Condition>) => setConditions((list) => list.map((c, k) => (k === i ? { ...c, ...change } : c)));

  function apply(event: FormEvent) {
    event.preventDefault();
    try {
      onApply({ conditions, combinator, filter: buildFilter(conditions, combinator) });
      setError(null);
    } catch (err) { setError((err as Error).message); }
  }
  function clear() {
    setConditions([]);
    setError(null);
    onApply({ conditions: [], combinator, filter: undefined });
  }

  return (
    <form className="filter-builder card" aria-label="Filters" onSubmit={apply}>
      {conditions.length > 1 && (
        <label className="inline">Match
          <select value={combinator} onChange={(e) => setCombinator(e.target.value as Combinator)}>
            <option value="$all">all conditions (AND)</option>
            <option value="$any">any condition (OR)</option>
          </select>
        </label>
      )}
      {conditions.length === 0 && <p className="muted">No filters: every record is shown.</p>}
      {conditions.map((condition, i) => (
        <fieldset key={i} className="filter-row">
          <legend className="sr-only">Condition {i + 1}</legend>
          <label className="inline">Column
            <select value={condition.column} onChange={(e) => update(i, fresh(e.target.value))}>
              {choices.map((c) => <option key={c.path} value={c.path}>{c.path}</option>)}
            </select>
          </label>
          <label className="inline">Operator
            <select value={condition.operator} onChange={(e) => update(i, { operator: e.target.value as Operator })}>
              {operatorsFor(condition.kind).map((op) => <option key={op} value={op}>{OPERATOR_LABELS[op]}</option>)}
            </select>
          </label>
          {takesValue(condition.operator) && <ValueInput condition={condition} onChange={(value) => update(i, { value })} />}
          <button type="button" aria-label={`Remove condition ${i + 1}`} onClick={() => setConditions((list) => list.filter((_, k) => k !== i))}>Remove</button>
        </fieldset>
      ))}
      {error && <p className="notice error" role="alert">{error}</p>}
      <div className="toolbar">
        <button type="button" onClick={() => setConditions((list) => [...list, fresh(choices[1]?.path ?? 'id')])}>Add condition</button>
        <button type="submit" className="primary">Apply filters</button>
        <button type="button" onClick={clear} disabled={conditions.length === 0 && applied.conditions.length === 0}>Clear filters</button>
      </div>
    </form>
  );
}

function ValueInput({ condition, onChange }: { condition: Condition; onChange: (value: string) => void }) {
  if (condition.kind === 'bool') {
    return (
      <label className="inline">Value
        <select value={condition.value} onChange={(e) => onChange(e.target.value)}>
          <option value="true">true</option><option value="false">false</option>
        </select>
      </label>
    );
  }
  const type = condition.kind === 'number' ? 'number' : condition.kind === 'datetime' ? 'datetime-local' : 'text';
  return <label className="inline">Value<input type={type} step={type === 'number' ? 'any' : undefined} value={condition.value} onChange={(e) => onChange(e.target.value)} /></label>;
}
