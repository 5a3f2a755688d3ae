/**
 * Prints one field of an environment from the catalogue, so workflows never repeat account ids:
 *   node --import tsx tools/scripts/env-info.ts stag planRoleArn
 *   node --import tsx tools/scripts/env-info.ts --preview-for-branch feature/x
 */
import { previewNameForBranch, resolveEnvironment, type Environment } from '@relay/platform-config';

const [first, second] = process.argv.slice(2);
try {
  if (first === '--preview-for-branch') {
    if (!second) throw new Error('usage: env-info.ts --preview-for-branch <branch>');
    console.log(previewNameForBranch(second));
  } else {
    if (!first || !second) throw new Error('usage: env-info.ts <env> <field>');
    const env = resolveEnvironment(first);
    if (!(second in env)) throw new Error(`no field "${second}"; fields: ${Object.keys(env).join(', ')}`);
    const value = env[second as keyof Environment];
    console.log(typeof value === 'object' ? JSON.stringify(value) : String(value));
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
