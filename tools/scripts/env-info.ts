/**
 * Prints one field of an environment from the catalogue, so workflows never repeat account ids:
 *   node --import tsx tools/scripts/env-info.ts stag planRoleArn
 *   node --import tsx tools/scripts/env-info.ts --preview-for-branch feature/x
 *   node --import tsx tools/scripts/env-info.ts --image stag >> "$GITHUB_OUTPUT"
 *   node --import tsx tools/scripts/env-info.ts --preview-role
 * --image prints, as key=value lines, where the broadcast image of an env goes: the push role,
 * region, registry, repository and the SSM parameter that records the pushed digest.
 */
import {
  BOOTSTRAP_ROLES,
  imageDigestParameter,
  imageRepositoryName,
  previewInput,
  previewNameForBranch,
  resolveEnvironment,
  type Environment,
} from '@relay/platform-config';

const [first, second] = process.argv.slice(2);
try {
  if (first === '--preview-for-branch') {
    if (!second) throw new Error('usage: env-info.ts --preview-for-branch <branch>');
    console.log(previewNameForBranch(second));
  } else if (first === '--preview-role') {
    // Every preview resolves to the same role (the dev account's relay-preview).
    console.log(resolveEnvironment(previewInput('any').name).deployRoleArn);
  } else if (first === '--image') {
    if (!second) throw new Error('usage: env-info.ts --image <env>');
    const env = resolveEnvironment(second);
    const registry = `${env.accountId}.dkr.ecr.${env.region}.amazonaws.com`;
    console.log(
      [
        `role=arn:aws:iam::${env.accountId}:role/${BOOTSTRAP_ROLES.imagePush}`,
        `region=${env.region}`,
        `registry=${registry}`,
        `repository=${imageRepositoryName(env, 'broadcast')}`,
        `parameter=${imageDigestParameter(env, 'broadcast')}`,
      ].join('\n'),
    );
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
