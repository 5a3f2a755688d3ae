import type { Construct } from 'constructs';
import { TerraformVariable } from 'cdktf';
import { imageDigestParameter, imageRepositoryName, type Environment } from '@relay/platform-config';

/**
 * The Terraform variable a stack running `service`'s image takes its digest from (deploy.yml
 * pushes the image and records the digest in SSM; plans read it from there), and the image
 * reference by that digest. A tag is refused: tags are mutable references.
 */
export function imageByDigest(scope: Construct, variableName: string, env: Environment, service: string): { variable: TerraformVariable; image: string } {
  const variable = new TerraformVariable(scope, variableName, {
    type: 'string',
    description: `Digest (sha256:…) of the ${service} image in ECR; deploy.yml pushes it and records it in SSM ${imageDigestParameter(env, service)}`,
    validation: [
      {
        condition: `\${can(regex("^sha256:[0-9a-f]{64}$", var.${variableName}))}`,
        errorMessage: `${variableName} must be an image digest, sha256:<64 hex digits>; tags are mutable references and are not accepted`,
      },
    ],
  });
  const repository = `${env.accountId}.dkr.ecr.${env.region}.amazonaws.com/${imageRepositoryName(env, service)}`;
  return { variable, image: `${repository}@${variable.stringValue}` };
}
