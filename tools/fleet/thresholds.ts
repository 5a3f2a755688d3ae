import { metricValues, type MergedResults } from './merge';

/**
 * k6 threshold expressions (`p(95)<200`, `rate>0.999`, `count>=120`, `max<5000`) judged again
 * on the merged run: a task's own verdict saw only its share of the samples and of the counts.
 */
const EXPRESSION = /^\s*(p\(\d+(?:\.\d+)?\)|avg|min|max|med|rate|count|value)\s*(<=|>=|==|===|!=|<|>)\s*(-?\d+(?:\.\d+)?)\s*$/;

export function judgeThresholds(merged: MergedResults): Record<string, Record<string, { ok: boolean }>> {
  const verdicts: Record<string, Record<string, { ok: boolean }>> = {};
  for (const [name, expressions] of Object.entries(merged.thresholds)) {
    const type = merged.types[name];
    const values = type ? metricValues(merged, name, type) : undefined;
    for (const expression of expressions) {
      const parsed = EXPRESSION.exec(expression);
      if (!parsed) throw new Error(`threshold "${expression}" on ${name} is not one the fleet can judge on merged results`);
      const [, stat = '', op = '', limit = ''] = parsed;
      // A metric nobody sampled is judged as k6 judges it: its statistics are zero.
      const observed = values?.[stat] ?? 0;
      (verdicts[name] ??= {})[expression] = { ok: compare(observed, op, Number(limit)) };
    }
  }
  return verdicts;
}

function compare(a: number, op: string, b: number): boolean {
  switch (op) {
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
    case '!=':
      return a !== b;
    default:
      return a === b;
  }
}
