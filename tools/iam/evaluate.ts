/**
 * A small IAM policy evaluator for exactly the semantics this project's policies use, so tests
 * can ask "may this principal do this?" of the synthesized JSON the way AWS would answer:
 * - Effect Allow / Deny; an explicit Deny overrides any Allow; no Allow is an implicit deny.
 * - Action and Resource with `*` and `?` wildcards (actions case-insensitively, as AWS does).
 * - Principal (trust policies): Federated, Service and AWS, or "*".
 * - Condition operators StringEquals, StringNotEquals, StringLike, StringNotLike, ArnLike,
 *   ArnEquals, Bool; several values of one key are OR, several keys and operators are AND; a key
 *   the request lacks fails a positive operator.
 * Anything else (NotAction, NotResource, NotPrincipal, IfExists, ForAnyValue/ForAllValues,
 * other operators or policy variables) throws: an evaluator that guessed would prove nothing.
 * (AWS's own evaluation logic also has SCPs, permission boundaries and session policies; the
 * project uses none of them.)
 */
export type Decision = 'allow' | 'explicit-deny' | 'implicit-deny';

export interface Request {
  action: string;
  /** The resource ARN; trust evaluations use the role's ARN or "*". */
  resource?: string;
  /** For trust policies: who asks, e.g. { Federated: 'arn:aws:iam::1:oidc-provider/x' }. */
  principal?: Partial<Record<'Federated' | 'Service' | 'AWS', string>>;
  context?: Record<string, string | string[] | boolean | undefined>;
}

interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource?: string | string[];
  Principal?: '*' | Partial<Record<'Federated' | 'Service' | 'AWS', string | string[]>>;
  Condition?: Record<string, Record<string, string | string[] | boolean>>;
}

export class UnsupportedPolicyElement extends Error {}

const SUPPORTED_ELEMENTS = new Set(['Sid', 'Effect', 'Action', 'Resource', 'Principal', 'Condition']);
const SUPPORTED_OPERATORS = new Set(['StringEquals', 'StringNotEquals', 'StringLike', 'StringNotLike', 'ArnLike', 'ArnEquals', 'Bool']);

const list = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** IAM's glob: `*` any run of characters, `?` one character; everything else literal. */
export function globMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replaceAll('*', '.*')
    .replaceAll('?', '.');
  return new RegExp(`^${source}$`, ignoreCase ? 'is' : 's').test(value);
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
    for (const [operator, entries] of Object.entries(statement.Condition ?? {})) {
      if (!SUPPORTED_OPERATORS.has(operator)) throw new UnsupportedPolicyElement(`condition operator ${operator} is not implemented`);
      for (const [key, values] of Object.entries(entries)) {
        if (list(values as string | string[]).some((v) => typeof v === 'string' && v.includes('${'))) {
          throw new UnsupportedPolicyElement(`policy variables in ${operator} ${key} are not implemented`);
        }
      }
    }
  }
  return statements;
}

function principalMatches(statement: Statement, request: Request): boolean {
  if (statement.Principal === undefined) return true; // identity policy: the principal is its holder
  if (statement.Principal === '*') return true;
  return Object.entries(statement.Principal).some(([kind, values]) => {
    const asked = request.principal?.[kind as 'Federated' | 'Service' | 'AWS'];
    return asked !== undefined && list(values).some((v) => v === '*' || v === asked);
  });
}

function conditionHolds(operator: string, key: string, expected: (string | boolean)[], request: Request): boolean {
  const actual = request.context?.[key];
  const actualValues = list(actual as string | string[] | boolean | undefined).map(String);
  const wanted = expected.map(String);
  const negated = operator === 'StringNotEquals' || operator === 'StringNotLike';
  if (actual === undefined) return negated; // a missing key satisfies only the negated operators
  const matchOne = (value: string) => {
    switch (operator) {
      case 'StringEquals':
      case 'StringNotEquals':
      case 'ArnEquals':
        return wanted.includes(value);
      case 'StringLike':
      case 'StringNotLike':
      case 'ArnLike':
        return wanted.some((pattern) => globMatch(pattern, value));
      case 'Bool':
        return wanted.map((w) => w.toLowerCase()).includes(value.toLowerCase());
      default:
        throw new UnsupportedPolicyElement(`condition operator ${operator} is not implemented`);
    }
  };
  const matched = actualValues.some(matchOne);
  return negated ? !matched : matched;
}

function applies(statement: Statement, request: Request): boolean {
  if (!list(statement.Action).some((pattern) => globMatch(pattern, request.action, true))) return false;
  if (statement.Principal === undefined || statement.Resource !== undefined) {
    if (!list(statement.Resource).some((pattern) => globMatch(pattern, request.resource ?? ''))) return false;
  }
  if (!principalMatches(statement, request)) return false;
  return Object.entries(statement.Condition ?? {}).every(([operator, entries]) =>
    Object.entries(entries).every(([key, values]) => conditionHolds(operator, key, list(values as string | string[]), request)),
  );
}

/** Evaluates one request against the policies that apply to it (all must be given together). */
export function evaluate(policies: unknown[], request: Request): Decision {
  const statements = policies.flatMap(statementsOf);
  const matching = statements.filter((s) => applies(s, request));
  if (matching.some((s) => s.Effect === 'Deny')) return 'explicit-deny';
  return matching.some((s) => s.Effect === 'Allow') ? 'allow' : 'implicit-deny';
}
