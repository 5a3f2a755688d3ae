/**
 * A small IAM policy evaluator for the semantics this project's policies use, so tests can ask
 * "may this principal do this?" of the synthesized JSON the way AWS's documented evaluation
 * logic would answer:
 * - Effect Allow / Deny; an explicit Deny in any policy overrides every Allow; no Allow is an
 *   implicit deny. With a permissions boundary, an action is allowed only when the identity
 *   policies AND the boundary allow it (a boundary never grants by itself).
 * - Action / NotAction (case-insensitive, as AWS matches actions) and Resource / NotResource
 *   with `*` and `?` wildcards; policy variables (`${aws:username}`, `${*}`, defaults) resolved
 *   from the request context in Resource and condition values.
 * - Principal (trust policies): Federated, Service and AWS, or "*"; an account (`123…` or
 *   `arn:aws:iam::123…:root`) stands for every principal of that account.
 * - Condition operators: String(Not)Equals(IgnoreCase), String(Not)Like, Arn(Not)Equals,
 *   Arn(Not)Like (ARNs compared per colon-separated part, so a `*` never spans region or
 *   account; ArnEquals takes wildcards like ArnLike), Bool, Null; the IfExists suffix and the
 *   ForAnyValue/ForAllValues set prefixes. Condition key names are case-insensitive.
 *   Several values of one key are OR, several keys and operators are AND.
 * Anything else (NotPrincipal, numeric/date/IP operators) throws: an evaluator that guessed
 * would prove nothing. (SCPs and session policies are not modelled: the project uses none.)
 */
export type Decision = 'allow' | 'explicit-deny' | 'implicit-deny';

type ContextValue = string | string[] | boolean | undefined;

export interface Request {
  action: string;
  /** The resource ARN; trust evaluations use the role's ARN or "*". */
  resource?: string;
  /** For trust policies: who asks, e.g. { Federated: 'arn:aws:iam::1:oidc-provider/x' }. */
  principal?: Partial<Record<'Federated' | 'Service' | 'AWS', string>>;
  context?: Record<string, ContextValue>;
}

export interface EvaluationOptions {
  /** The principal's permissions boundary (a managed policy), if it has one. */
  boundary?: unknown;
}

type PrincipalBlock = '*' | Partial<Record<'Federated' | 'Service' | 'AWS', string | string[]>>;

interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Principal?: PrincipalBlock;
  Condition?: Record<string, Record<string, string | string[] | boolean>>;
}

export class UnsupportedPolicyElement extends Error {}

const SUPPORTED_ELEMENTS = new Set(['Sid', 'Effect', 'Action', 'NotAction', 'Resource', 'NotResource', 'Principal', 'Condition']);
const BASE_OPERATORS = new Set([
  'StringEquals',
  'StringNotEquals',
  'StringEqualsIgnoreCase',
  'StringNotEqualsIgnoreCase',
  'StringLike',
  'StringNotLike',
  'ArnEquals',
  'ArnLike',
  'ArnNotEquals',
  'ArnNotLike',
  'Bool',
  'Null',
]);

const list = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/**
 * Marks a `*` or `?` that a policy variable put into a value (`${*}`, or a variable's own value):
 * those are literal characters, never wildcards.
 */
const LITERAL_STAR = '\u0001';
const LITERAL_QUESTION = '\u0002';
const literalText = (text: string) => text.replaceAll('*', LITERAL_STAR).replaceAll('?', LITERAL_QUESTION);
const plainText = (text: string) => text.replaceAll(LITERAL_STAR, '*').replaceAll(LITERAL_QUESTION, '?');

/** IAM's glob: `*` any run of characters, `?` one character; everything else literal. */
export function globMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replaceAll('*', '.*')
    .replaceAll('?', '.')
    .replaceAll(LITERAL_STAR, '\\*')
    .replaceAll(LITERAL_QUESTION, '\\?');
  return new RegExp(`^${source}$`, ignoreCase ? 'is' : 's').test(value);
}

/** The six colon-separated parts of an ARN; the last keeps any further colons. */
function arnParts(arn: string): string[] | undefined {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  return [...parts.slice(0, 5), parts.slice(5).join(':')];
}

/** ArnLike/ArnEquals: each part matched on its own, so one `*` cannot swallow region and account. */
export function arnMatch(pattern: string, value: string): boolean {
  if (pattern === '*') return true;
  const want = arnParts(pattern);
  const got = arnParts(value);
  if (!want || !got) return false;
  return want.every((part, i) => globMatch(part, got[i] ?? ''));
}

/** Looks a condition key up case-insensitively, as AWS does. */
function contextValue(request: Request, key: string): ContextValue {
  const context = request.context ?? {};
  if (key in context) return context[key];
  const lower = key.toLowerCase();
  const found = Object.keys(context).find((k) => k.toLowerCase() === lower);
  return found === undefined ? undefined : context[found];
}

const VARIABLE = /\$\{([^}]*)\}/g;

/**
 * Replaces policy variables with the request's values: `${*}`, `${?}`, `${$}` are the literal
 * characters; `${key, 'default'}` falls back to the default. Undefined when a variable has no
 * value: AWS then treats the element as not matching.
 */
export function substituteVariables(text: string, request: Request): string | undefined {
  let missing = false;
  const result = text.replace(VARIABLE, (_, body: string) => {
    const [rawKey = '', ...rest] = body.split(',');
    const key = rawKey.trim();
    if (key === '*' || key === '?' || key === '$') return literalText(key);
    const value = contextValue(request, key);
    if (typeof value === 'string' || typeof value === 'boolean') return literalText(String(value));
    const fallback = rest.join(',').trim();
    if (/^'.*'$/.test(fallback)) return literalText(fallback.slice(1, -1));
    missing = true;
    return '';
  });
  return missing ? undefined : result;
}

function parseOperator(name: string): { base: string; set?: 'ForAnyValue' | 'ForAllValues'; ifExists: boolean } {
  const [prefix, rest] = name.includes(':') ? (name.split(':', 2) as [string, string]) : [undefined, name];
  if (prefix !== undefined && prefix !== 'ForAnyValue' && prefix !== 'ForAllValues') {
    throw new UnsupportedPolicyElement(`condition set operator ${prefix} is not implemented`);
  }
  const ifExists = rest.endsWith('IfExists');
  const base = ifExists ? rest.slice(0, -'IfExists'.length) : rest;
  if (!BASE_OPERATORS.has(base) || (base === 'Null' && (ifExists || prefix))) {
    throw new UnsupportedPolicyElement(`condition operator ${name} is not implemented`);
  }
  return { base, set: prefix as 'ForAnyValue' | 'ForAllValues' | undefined, ifExists };
}

function statementsOf(policy: unknown): Statement[] {
  const document = typeof policy === 'string' ? (JSON.parse(policy) as unknown) : policy;
  if (!document || typeof document !== 'object') throw new UnsupportedPolicyElement('policy is not a JSON object');
  const { Version, Statement: raw } = document as { Version?: string; Statement?: unknown };
  if (Version !== '2012-10-17') throw new UnsupportedPolicyElement(`policy Version ${String(Version)} is not 2012-10-17`);
  const statements = list(raw as Statement | Statement[]);
  for (const statement of statements) {
    for (const key of Object.keys(statement)) {
      if (!SUPPORTED_ELEMENTS.has(key)) throw new UnsupportedPolicyElement(`policy element ${key} is not implemented`);
    }
    if (statement.Effect !== 'Allow' && statement.Effect !== 'Deny') throw new UnsupportedPolicyElement(`Effect ${String(statement.Effect)}`);
    if ((statement.Action === undefined) === (statement.NotAction === undefined)) {
      throw new UnsupportedPolicyElement('a statement needs exactly one of Action and NotAction');
    }
    if (statement.Resource !== undefined && statement.NotResource !== undefined) {
      throw new UnsupportedPolicyElement('a statement cannot have both Resource and NotResource');
    }
    for (const operator of Object.keys(statement.Condition ?? {})) parseOperator(operator);
  }
  return statements;
}

/** The account a principal ARN belongs to, e.g. arn:aws:iam::123:role/x or arn:aws:sts::123:assumed-role/x/s. */
const accountOf = (arn: string) => /^arn:aws[a-z-]*:(?:iam|sts)::(\d{12}):/.exec(arn)?.[1];

function awsPrincipalMatches(pattern: string, asked: string): boolean {
  if (pattern === '*' || pattern === asked) return true;
  const account = /^\d{12}$/.test(pattern) ? pattern : /^arn:aws[a-z-]*:iam::(\d{12}):root$/.exec(pattern)?.[1];
  return account !== undefined && accountOf(asked) === account;
}

function principalMatches(statement: Statement, request: Request): boolean {
  if (statement.Principal === undefined) return true; // identity policy: the principal is its holder
  if (statement.Principal === '*') return true;
  return Object.entries(statement.Principal).some(([kind, values]) => {
    const asked = request.principal?.[kind as 'Federated' | 'Service' | 'AWS'];
    if (asked === undefined) return false;
    return list(values).some((v) => (kind === 'AWS' ? awsPrincipalMatches(v, asked) : v === '*' || v === asked));
  });
}

const NEGATED = new Set(['StringNotEquals', 'StringNotEqualsIgnoreCase', 'StringNotLike', 'ArnNotEquals', 'ArnNotLike']);

function matchesOne(base: string, value: string, wanted: string[]): boolean {
  switch (base) {
    case 'StringEquals':
    case 'StringNotEquals':
      return wanted.map(plainText).includes(value);
    case 'StringEqualsIgnoreCase':
    case 'StringNotEqualsIgnoreCase':
      return wanted.some((w) => plainText(w).toLowerCase() === value.toLowerCase());
    case 'StringLike':
    case 'StringNotLike':
      return wanted.some((pattern) => globMatch(pattern, value));
    case 'ArnEquals':
    case 'ArnLike':
    case 'ArnNotEquals':
    case 'ArnNotLike':
      return wanted.some((pattern) => arnMatch(pattern, value));
    case 'Bool':
      return wanted.map((w) => plainText(w).toLowerCase()).includes(value.toLowerCase());
    default:
      throw new UnsupportedPolicyElement(`condition operator ${base} is not implemented`);
  }
}

function conditionHolds(operator: string, key: string, expected: (string | boolean)[], request: Request): boolean {
  const { base, set, ifExists } = parseOperator(operator);
  const actual = contextValue(request, key);
  if (base === 'Null') return expected.map((v) => String(v).toLowerCase()).includes(actual === undefined ? 'true' : 'false');
  if (actual === undefined) {
    if (ifExists) return true;
    // A missing key: ForAllValues holds vacuously, ForAnyValue fails, and a single-valued
    // operator holds only when it is negated.
    return set === 'ForAllValues' ? true : set === 'ForAnyValue' ? false : NEGATED.has(base);
  }
  const wanted = expected.map((v) => (typeof v === 'string' ? substituteVariables(v, request) : String(v))).filter((v): v is string => v !== undefined);
  const negated = NEGATED.has(base);
  const values = list(actual).map(String);
  // For negated operators the per-value test is "matches none of the policy's values".
  const valueHolds = (value: string) => (negated ? !matchesOne(base, value, wanted) : matchesOne(base, value, wanted));
  if (set === 'ForAllValues') return values.every(valueHolds);
  if (set === 'ForAnyValue') return values.some(valueHolds);
  const matched = values.some((value) => matchesOne(base, value, wanted));
  return negated ? !matched : matched;
}

function resourceMatches(patterns: string[], request: Request): boolean {
  return patterns.some((pattern) => {
    const resolved = substituteVariables(pattern, request);
    return resolved !== undefined && globMatch(resolved, request.resource ?? '');
  });
}

function applies(statement: Statement, request: Request): boolean {
  const actionHit = (patterns: string[]) => patterns.some((pattern) => globMatch(pattern, request.action, true));
  if (statement.Action !== undefined && !actionHit(list(statement.Action))) return false;
  if (statement.NotAction !== undefined && actionHit(list(statement.NotAction))) return false;
  if (statement.NotResource !== undefined) {
    if (resourceMatches(list(statement.NotResource), request)) return false;
  } else if (statement.Principal === undefined || statement.Resource !== undefined) {
    if (!resourceMatches(list(statement.Resource), request)) return false;
  }
  if (!principalMatches(statement, request)) return false;
  return Object.entries(statement.Condition ?? {}).every(([operator, entries]) =>
    Object.entries(entries).every(([key, values]) => conditionHolds(operator, key, list(values as string | string[]), request)),
  );
}

function decide(policies: unknown[], request: Request): Decision {
  const matching = policies.flatMap(statementsOf).filter((s) => applies(s, request));
  if (matching.some((s) => s.Effect === 'Deny')) return 'explicit-deny';
  return matching.some((s) => s.Effect === 'Allow') ? 'allow' : 'implicit-deny';
}

/**
 * Evaluates one request against the identity (or trust) policies that apply to it, all given
 * together, and the principal's permissions boundary if it has one.
 */
export function evaluate(policies: unknown[], request: Request, options: EvaluationOptions = {}): Decision {
  const identity = decide(policies, request);
  if (options.boundary === undefined || identity === 'explicit-deny') return identity;
  const boundary = decide([options.boundary], request);
  if (boundary === 'explicit-deny') return 'explicit-deny';
  return identity === 'allow' && boundary === 'allow' ? 'allow' : 'implicit-deny';
}
