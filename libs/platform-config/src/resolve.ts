import { CATALOGUE, previewInput } from './catalogue';
import { environmentSchema, type Environment, type EnvironmentInput } from './schema';

/** The environments with an account of their own: the catalogue's entries (previews live in dev). */
export type BaseEnvironmentName = keyof typeof CATALOGUE;
export const BASE_ENVIRONMENTS = Object.keys(CATALOGUE) as readonly BaseEnvironmentName[];

/** Preview names become resource-name prefixes: short, lowercase, DNS- and S3-safe. */
const PREVIEW_NAME = /^[a-z][a-z0-9]{1,15}$/;

export class EnvironmentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EnvironmentError';
  }
}

function validated(input: EnvironmentInput): Environment {
  const result = environmentSchema.safeParse(input);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.') || '(environment)'}: ${i.message}`);
    throw new EnvironmentError(`environment "${input.name}" is invalid:\n  ${problems.join('\n  ')}`);
  }
  return result.data;
}

export function previewName(developer: string): string {
  if (!PREVIEW_NAME.test(developer)) {
    throw new EnvironmentError(`preview name "${developer}" is invalid: use 2-16 lowercase letters and digits, starting with a letter`);
  }
  return `dev-${developer}`;
}

/**
 * dev | stag | prod | dev-<developer>. Anything else is rejected before any synth, with the
 * list of what would have been valid.
 */
export function resolveEnvironment(name: string): Environment {
  if ((BASE_ENVIRONMENTS as readonly string[]).includes(name)) {
    return validated(CATALOGUE[name as BaseEnvironmentName]);
  }
  const preview = /^dev-(.*)$/.exec(name);
  if (preview) {
    previewName(preview[1] ?? '');
    return validated(previewInput(preview[1] ?? ''));
  }
  throw new EnvironmentError(`unknown environment "${name}": expected one of ${BASE_ENVIRONMENTS.join(', ')} or dev-<developer> for a preview`);
}

/** Validates a whole catalogue, e.g. after editing it: every problem of every env at once. */
export function validateCatalogue(catalogue: Record<string, EnvironmentInput> = CATALOGUE): Environment[] {
  const errors: string[] = [];
  const envs: Environment[] = [];
  for (const input of Object.values(catalogue)) {
    try {
      envs.push(validated(input));
    } catch (error) {
      errors.push((error as Error).message);
    }
  }
  // Checked on the raw inputs, so a duplicate is reported even next to other errors.
  const accounts = Object.values(catalogue)
    .filter((e) => e.kind !== 'preview')
    .map((e) => e.accountId);
  if (new Set(accounts).size !== accounts.length) errors.push('dev, stag and prod must each have their own account');
  if (errors.length > 0) throw new EnvironmentError(errors.join('\n'));
  return envs;
}

/**
 * A valid, stable preview name for a git branch: lowercase letters and digits, starting with a
 * letter, at most 16 characters; a short hash keeps different long branches apart.
 */
export function previewNameForBranch(branch: string): string {
  const cleaned = branch
    .toLowerCase()
    .replace(/^refs\/heads\//, '')
    .replace(/[^a-z0-9]/g, '');
  let hash = 2166136261;
  for (const ch of branch) hash = Math.imul(hash ^ ch.charCodeAt(0), 16777619) >>> 0;
  const suffix = hash.toString(36).slice(0, 5);
  const base = /^[a-z]/.test(cleaned) ? cleaned : `b${cleaned}`;
  const name = base.length <= 16 ? base : `${base.slice(0, 10)}${suffix}`;
  previewName(name);
  return name;
}
