/**
 * GitHub Actions expressions (`${{ … }}`), the part of the language Relay's workflows use:
 * literals, context paths (with `.*` filters), `!`, `==`, `!=`, `&&`, `||`, parentheses, and
 * contains/startsWith/endsWith/format/toJSON/fromJSON/success/always/failure/cancelled. Values
 * compare as GitHub's do (strings case-insensitively), and truthiness is GitHub's. Anything else
 * throws NotRehearsed, so a rehearsal never guesses.
 */
export class NotRehearsed extends Error {}

type Value = unknown;
export type Contexts = Record<string, Value>;

const TOKEN = /\s*(?:(\d+(?:\.\d+)?)|('(?:[^']|'')*')|(==|!=|&&|\|\||!|\(|\)|,|\[|\]|\.\*|\.)|([A-Za-z_][\w-]*))/y;

function tokenize(source: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < source.length) {
    if (/^\s*$/.test(source.slice(TOKEN.lastIndex))) break;
    const match = TOKEN.exec(source);
    if (!match) throw new NotRehearsed(`expression not understood: ${source}`);
    tokens.push(match[1] ?? match[2] ?? match[3] ?? match[4] ?? '');
  }
  return tokens;
}

const truthy = (v: Value) => !(v === false || v === 0 || v === '' || v === null || v === undefined);
const text = (v: Value): string => (v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));
const equal = (a: Value, b: Value) => (typeof a === 'string' && typeof b === 'string' ? a.toLowerCase() === b.toLowerCase() : a === b || text(a) === text(b));

export function evaluate(source: string, contexts: Contexts, status = { failed: false }): Value {
  const tokens = tokenize(source);
  let i = 0;
  const peek = () => tokens[i];
  const take = (expected?: string) => {
    const token = tokens[i++];
    if (expected !== undefined && token !== expected) throw new NotRehearsed(`expected ${expected} in: ${source}`);
    return token;
  };
  const functions: Record<string, (...args: Value[]) => Value> = {
    contains: (a, b) => (Array.isArray(a) ? a.some((x) => equal(x, b)) : text(a).toLowerCase().includes(text(b).toLowerCase())),
    startsWith: (a, b) => text(a).toLowerCase().startsWith(text(b).toLowerCase()),
    endsWith: (a, b) => text(a).toLowerCase().endsWith(text(b).toLowerCase()),
    format: (f, ...args) => text(f).replace(/\{(\d+)\}/g, (_, n: string) => text(args[Number(n)])),
    toJSON: (v) => JSON.stringify(v, null, 2),
    fromJSON: (v) => JSON.parse(text(v)) as Value,
    success: () => !status.failed,
    always: () => true,
    failure: () => status.failed,
    cancelled: () => false,
  };
  const primary = (): Value => {
    const token = take();
    if (token === undefined) throw new NotRehearsed(`expression ends early: ${source}`);
    if (token === '(') {
      const value = or();
      take(')');
      return value;
    }
    if (token.startsWith("'")) return token.slice(1, -1).replaceAll("''", "'");
    if (/^\d/.test(token)) return Number(token);
    if (token === 'true' || token === 'false') return token === 'true';
    if (token === 'null') return null;
    if (peek() === '(') {
      const fn = functions[token];
      if (!fn) throw new NotRehearsed(`function ${token}() is not rehearsed`);
      take('(');
      const args: Value[] = [];
      while (peek() !== ')') {
        args.push(or());
        if (peek() === ',') take(',');
      }
      take(')');
      return fn(...args);
    }
    if (!(token in contexts)) throw new NotRehearsed(`context ${token} is not rehearsed`);
    let value: Value = contexts[token];
    for (;;) {
      if (peek() === '.') {
        take('.');
        const key = take() ?? '';
        value = Array.isArray(value) ? value.map((v) => (v as Record<string, Value>)?.[key]) : (value as Record<string, Value> | undefined)?.[key];
      } else if (peek() === '.*') {
        take('.*');
        value = Array.isArray(value) ? value : Object.values((value as object) ?? {});
      } else if (peek() === '[') {
        take('[');
        const key = or();
        take(']');
        value = (value as Record<string, Value> | undefined)?.[text(key)];
      } else break;
    }
    return value ?? null;
  };
  const unary = (): Value => (peek() === '!' ? (take(), !truthy(unary())) : comparison());
  const comparison = (): Value => {
    const left = primary();
    if (peek() === '==' || peek() === '!=') {
      const op = take();
      const right = primary();
      return op === '==' ? equal(left, right) : !equal(left, right);
    }
    return left;
  };
  const and = (): Value => {
    let value = unary();
    while (peek() === '&&') {
      take();
      const right = unary();
      value = truthy(value) ? right : value;
    }
    return value;
  };
  const or = (): Value => {
    let value = and();
    while (peek() === '||') {
      take();
      const right = and();
      value = truthy(value) ? value : right;
    }
    return value;
  };
  const value = or();
  if (i < tokens.length) throw new NotRehearsed(`unexpected ${tokens[i]} in: ${source}`);
  return value;
}

/** Replaces every `${{ … }}` in a string with its value's text. */
export function interpolate(template: string, contexts: Contexts): string {
  return template.replace(/\$\{\{([\s\S]*?)\}\}/g, (_, expr: string) => text(evaluate(expr, contexts)));
}

/** An `if:` condition: a bare expression or one in `${{ }}`; absent means success(). */
export function condition(value: unknown, contexts: Contexts, status = { failed: false }): boolean {
  if (value === undefined) return !status.failed;
  if (typeof value === 'boolean') return value;
  const source = String(value)
    .trim()
    .replace(/^\$\{\{([\s\S]*)\}\}$/, '$1');
  return truthy(evaluate(source, contexts, status));
}

export const isTruthy = truthy;
