import { createHash } from 'node:crypto';
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
 * letter, at most 16 characters. The readable part is lossy (fix-x, fix/x and Fix_X all read
 * "fixx"), so every name ends in 8 characters of a SHA-256 of the exact branch: two branches
 * never share a preview, its state key or its resources.
 */
export function previewNameForBranch(branch: string): string {
  const exact = branch.replace(/^refs\/heads\//, '');
  const cleaned = exact.toLowerCase().replace(/[^a-z0-9]/g, '');
  const base = (/^[a-z]/.test(cleaned) ? cleaned : `b${cleaned}`).slice(0, 8);
  const digest = createHash('sha256').update(exact).digest();
  const suffix = (digest.readBigUInt64BE(0) % 36n ** 8n).toString(36).padStart(8, '0');
  const name = `${base}${suffix}`;
  previewName(name);
  return name;
}
