/**
 * Prints one field of an environment from the catalogue, so workflows never repeat account ids:
 *   node --import tsx tools/nx-plugin/scripts/env-info.ts stag planRoleArn
 *   node --import tsx tools/nx-plugin/scripts/env-info.ts --preview-for-branch feature/x
 *   node --import tsx tools/nx-plugin/scripts/env-info.ts --image stag [loadgen] >> "$GITHUB_OUTPUT"
 *   node --import tsx tools/nx-plugin/scripts/env-info.ts --images stag
 *   node --import tsx tools/nx-plugin/scripts/env-info.ts --preview-role
 *   node --import tsx tools/nx-plugin/scripts/env-info.ts --image-tag pushed|live <commit>
 * --image prints, as key=value lines, where an image of an env goes (the broadcast service's
 * unless another is named): the push role, region, registry, repository, the SSM parameter that
 * records the pushed digest, the Terraform variable plans take it in, and the Nx project that builds it.
 * --images prints the images the env runs, one `<service> <variable> <parameter> <repository>` line each: the
 * broadcast service's, and the k6 fleet's where the catalogue gives the env one.
 * --image-tag prints the tag an image gets when pushed (sha-<commit>) or once in service
 * (live-<commit>): the prefixes the registry's lifecycle rules select by, spelled in one place.
 */
import {
  BOOTSTRAP_ROLES,
  IMAGE_TAG_PREFIXES,
  deployedComponents,
  imageDigestParameter,
  imageRepositoryName,
  previewInput,
  previewNameForBranch,
  resolveEnvironment,
  type Environment,
} from '@relay/platform-config';
import { IMAGE_VARIABLES } from '../operations/terraform/runner';

/** The images an env runs, with the Terraform variable of the stack that runs each. */
function imagesOf(env: Environment): { service: string; variable: string; project: string }[] {
  const components: string[] = deployedComponents(env);
  return Object.entries(IMAGE_VARIABLES)
    .filter(([component]) => components.includes(component))
    .map(([, image]) => image);
}

const [first, second] = process.argv.slice(2);
try {
  if (first === '--preview-for-branch') {
    if (!second) throw new Error('usage: env-info.ts --preview-for-branch <branch>');
    console.log(previewNameForBranch(second));
  } else if (first === '--preview-role') {
    // Every preview resolves to the same role (the dev account's relay-preview).
    console.log(resolveEnvironment(previewInput('any').name).deployRoleArn);
  } else if (first === '--image') {
    if (!second) throw new Error('usage: env-info.ts --image <env> [service]');
    const env = resolveEnvironment(second);
    const service = process.argv[4] ?? 'broadcast';
    const image = imagesOf(env).find((i) => i.service === service);
    if (!image)
      throw new Error(
        `${env.name} runs no ${service} image; it runs ${imagesOf(env)
          .map((i) => i.service)
          .join(', ')}`,
      );
    const registry = `${env.accountId}.dkr.ecr.${env.region}.amazonaws.com`;
    console.log(
      [
        `role=arn:aws:iam::${env.accountId}:role/${BOOTSTRAP_ROLES.imagePush}`,
        `region=${env.region}`,
        `registry=${registry}`,
        `repository=${imageRepositoryName(env, service)}`,
        `parameter=${imageDigestParameter(env, service)}`,
        `variable=${image.variable}`,
        `project=${image.project}`,
      ].join('\n'),
    );
  } else if (first === '--image-tag') {
    const commit = process.argv[4];
    if (!(second === 'pushed' || second === 'live') || !commit || !/^[0-9a-f]{7,40}$/.test(commit))
      throw new Error('usage: env-info.ts --image-tag pushed|live <commit> (a hex commit SHA)');
    console.log(`${IMAGE_TAG_PREFIXES[second]}${commit}`);
  } else if (first === '--images') {
    if (!second) throw new Error('usage: env-info.ts --images <env>');
    const env = resolveEnvironment(second);
    for (const { service, variable } of imagesOf(env))
      console.log(`${service} ${variable} ${imageDigestParameter(env, service)} ${imageRepositoryName(env, service)}`);
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
