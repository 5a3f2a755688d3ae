import { Construct } from 'constructs';
import { SsmParameter } from '@cdktf/provider-aws/lib/ssm-parameter';
import { parameterPath, type Environment } from '@relay/platform-config';

/**
 * Runtime configuration in SSM Parameter Store under /relay/<env>/…: apps read it at start,
 * nothing is baked into code. Plain configuration only: a secret managed here would be read
 * back with decryption on every refresh and land in state and plans, so secrets are created
 * outside Terraform (platform-config's RUNTIME_SECRETS, tools/nx-plugin/operations/secrets/ensure-secrets.ts).
 */
export class RuntimeParameters extends Construct {
  readonly parameters: Record<string, SsmParameter> = {};

  parameter(key: string): SsmParameter {
    const parameter = this.parameters[key];
    if (!parameter) throw new Error(`no runtime parameter "${key}" was declared`);
    return parameter;
  }

  constructor(scope: Construct, id: string, props: { env: Environment; values: Record<string, string> }) {
    super(scope, id);
    for (const [key, value] of Object.entries(props.values)) {
      this.parameters[key] = new SsmParameter(this, key.replaceAll('/', '-'), {
        name: parameterPath(props.env, ...key.split('/')),
        type: 'String',
        value,
      });
    }
  }
}
