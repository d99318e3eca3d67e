import { monitorEventLoopDelay } from 'node:perf_hooks';

/**
 * A small Prometheus registry: counters and histograms keyed by label values, rendered in the
 * text exposition format (0.0.4). Enough for Strata's own metrics without a dependency.
 */
const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

const escape = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const labelText = (names: readonly string[], values: readonly string[]) =>
  names.length === 0 ? '' : `{${names.map((n, i) => `${n}="${escape(values[i]!)}"`).join(',')}}`;

export class Histogram {
  private readonly series = new Map<string, { values: string[]; counts: number[]; sum: number; count: number }>();
  constructor(readonly name: string, readonly help: string, readonly labels: readonly string[]) {}

  observe(values: string[], seconds: number): void {
    const key = values.join('\u0000');
    let s = this.series.get(key);
    if (!s) { s = { values, counts: new Array(BUCKETS.length).fill(0), sum: 0, count: 0 }; this.series.set(key, s); }
    for (let i = 0; i < BUCKETS.length; i++) if (seconds <= BUCKETS[i]!) { s.counts[i]!++; break; }
    s.sum += seconds;
    s.count++;
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const s of this.series.values()) {
      let cumulative = 0;
      BUCKETS.forEach((bound, i) => {
        cumulative += s.counts[i]!;
        lines.push(`${this.name}_bucket${labelText([...this.labels, 'le'], [...s.values, String(bound)])} ${cumulative}`);
      });
      lines.push(`${this.name}_bucket${labelText([...this.labels, 'le'], [...s.values, '+Inf'])} ${s.count}`);
      lines.push(`${this.name}_sum${labelText(this.labels, s.values)} ${s.sum}`);
      lines.push(`${this.name}_count${labelText(this.labels, s.values)} ${s.count}`);
    }
    return lines.join('\n');
  }
}

export class Counter {
  private readonly series = new Map<string, { values: string[]; n: number }>();
  constructor(readonly name: string, readonly help: string, readonly labels: readonly string[]) {}

  inc(values: string[], by = 1): void {
    const key = values.join('\u0000');
    const s = this.series.get(key);
    if (s) s.n += by; else this.series.set(key, { values, n: by });
  }

  render(): string {
    return [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`,
      ...[...this.series.values()].map((s) => `${this.name}${labelText(this.labels, s.values)} ${s.n}`)].join('\n');
  }
}

/** A value read when scraped: a gauge (or a counter kept elsewhere, e.g. history drops). */
export function sampled(name: string, help: string, type: 'gauge' | 'counter', value: number): string {
  return `# HELP ${name} ${help}\n# TYPE ${name} ${type}\n${name} ${value}`;
}

/** Event-loop delay: how long ready work waited (the first thing to rise under overload). */
export function eventLoopDelay() {
  const h = monitorEventLoopDelay({ resolution: 20 });
  h.enable();
  return { p99Seconds: () => h.percentile(99) / 1e9, reset: () => h.reset(), stop: () => h.disable() };
}
