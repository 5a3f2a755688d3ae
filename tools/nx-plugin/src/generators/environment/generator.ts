import devkit from '@nx/devkit';
import type { Tree } from '@nx/devkit';

export interface EnvironmentOptions {
  name: string;
  /** The CLI parses digits as a number, which drops a leading zero: account ids are always 12 digits. */
  accountId: string | number;
  like?: 'dev' | 'stag' | 'prod';
  zoneId: string;
  zoneName: string;
}

export const CATALOGUE_FILE = 'libs/platform-config/src/catalogue.ts';
const ACCOUNT_MARKER = '  // nx g @relay/nx-plugin:environment adds an account above this line.';
const ENVIRONMENT_MARKER = '  // nx g @relay/nx-plugin:environment adds an environment above this line.';

/** The source of one catalogue entry (`  <name>: {` up to its closing `  },`). */
function entryOf(source: string, name: string): string {
  const start = source.indexOf(`\n  ${name}: {\n`);
  if (start < 0) throw new Error(`${CATALOGUE_FILE} has no "${name}" environment to copy`);
  const end = source.indexOf('\n  },\n', start);
  return source.slice(start + 1, end + '\n  },\n'.length);
}

/**
 * Adds an environment to the catalogue: its account id, and an entry copied from `like` with
 * the new name, account and domain, and without the nightly's k6 fleet and load-test edge. The catalogue's own validation (zod) then holds it to the
 * same rules as every other environment at synth.
 */
export default async function environmentGenerator(tree: Tree, options: EnvironmentOptions): Promise<() => void> {
  const like = options.like ?? 'stag';
  const accountId = String(options.accountId).padStart(12, '0');
  if (!/^\d{12}$/.test(accountId)) throw new Error(`account id "${options.accountId}" is not a 12-digit AWS account id`);
  const source = tree.read(CATALOGUE_FILE, 'utf-8');
  if (!source) throw new Error(`${CATALOGUE_FILE} not found: run the generator at the workspace root`);
  if (!/^[a-z][a-z0-9]{1,9}$/.test(options.name)) throw new Error(`environment name "${options.name}" is invalid: 2-10 lowercase letters and digits`);
  if (source.includes(`\n  ${options.name}: `)) throw new Error(`environment "${options.name}" already exists in ${CATALOGUE_FILE}`);
  if (source.includes(`'${accountId}'`)) throw new Error(`account ${accountId} already belongs to an environment: every environment has its own`);
  if (!source.includes(ACCOUNT_MARKER) || !source.includes(ENVIRONMENT_MARKER)) throw new Error(`${CATALOGUE_FILE} lost the generator's marker comments`);

  const entry = entryOf(source, like)
    .replace(`  ${like}: {`, `  ${options.name}: {`)
    .replace(`name: '${like}',`, `name: '${options.name}',`)
    .replaceAll(`ACCOUNTS.${like}`, `ACCOUNTS.${options.name}`)
    .replace(/domain: domainIn\([^\n]*\),/, `domain: domainIn('${options.zoneId}', '${options.zoneName}'),`)
    // The k6 fleet (the quota it needs, and its load-test edge) belongs to the env the nightly
    // targets, not to its copies; their API is an HTTP API, as the nightly's env's is by day.
    .replace('...NIGHTLY_FLEET,', "quotas: NONPROD_QUOTAS,\n    apiFrontDoor: 'http-api',");
  const updated = source
    .replace(ACCOUNT_MARKER, `  ${options.name}: '${accountId}',\n${ACCOUNT_MARKER}`)
    .replace(ENVIRONMENT_MARKER, `${entry}${ENVIRONMENT_MARKER}`);
  tree.write(CATALOGUE_FILE, updated);
  await devkit.formatFiles(tree);
  return () => {
    devkit.logger.info(
      [
        `${options.name} is in the catalogue (sized like ${like}). Next:`,
        `  1. create and delegate the zone ${options.zoneName}; request the quotas its webSocket and quotas entries record (npx tsx tools/nx-plugin/operations/terraform/quota-check.ts ${options.name} lists them)`,
        `  2. npx tsx tools/nx-plugin/scripts/bootstrap-account.ts ${options.name}   (an administrator of account ${accountId})`,
        `  3. add plan-${options.name}/apply-${options.name} jobs to deploy.yml and declare its GitHub Environment in GITHUB_ENVIRONMENTS`,
      ].join('\n'),
    );
  };
}
