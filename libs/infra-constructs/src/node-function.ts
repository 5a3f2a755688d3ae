import { AssetType, Fn, TerraformAsset } from 'cdktf';
import { Construct } from 'constructs';
import { existsSync } from 'node:fs';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import type { Environment } from '@relay/platform-config';
import { serviceRoleName } from './role-families';
import { assumeRolePolicy, policyDocument, type Statement } from './iam';

export const LAMBDA_RUNTIME = 'nodejs24.x';

export interface NodeFunctionProps {
  env: Environment;
  functionName: string;
  /** The build's zip for this function (dist/apps/<app>/<name>.zip). */
  zipPath: string;
  environment?: Record<string, string>;
  /** Exactly what this function may do; logging to its own group is added here. */
  statements: Statement[];
  timeoutSeconds?: number;
  reservedConcurrency?: number;
  /** Instead of the environment's size, for a function whose work is CPU-bound. */
  memoryMb?: number;
}

/** A Node 24 Lambda from a built zip, with its own log group (bounded retention) and role. */
export class NodeFunction extends Construct {
  readonly function: LambdaFunction;
  readonly role: IamRole;
  readonly logGroup: CloudwatchLogGroup;
  /** Known at synth time (unlike function.functionName, a token). */
  readonly functionName: string;
  readonly timeoutSeconds: number;

  constructor(scope: Construct, id: string, props: NodeFunctionProps) {
    super(scope, id);
    if (!existsSync(props.zipPath)) {
      throw new Error(`${props.zipPath} does not exist: build the Lambdas first (npx nx run-many -t build)`);
    }
    const { env } = props;
    this.functionName = props.functionName;
    this.timeoutSeconds = props.timeoutSeconds ?? 10;
    this.logGroup = new CloudwatchLogGroup(this, 'logs', {
      name: `/aws/lambda/${props.functionName}`,
      retentionInDays: env.retention.logDays,
    });
    this.role = new IamRole(this, 'role', {
      name: serviceRoleName(props.functionName, 'lambda'),
      assumeRolePolicy: assumeRolePolicy('lambda.amazonaws.com', {
        StringEquals: { 'aws:SourceAccount': env.accountId },
      }),
    });
    const policy = new IamRolePolicy(this, 'policy', {
      role: this.role.id,
      name: 'least-privilege',
      policy: policyDocument([
        { sid: 'OwnLogs', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [`${this.logGroup.arn}:*`] },
        ...props.statements,
      ]),
    });
    const code = new TerraformAsset(this, 'code', { path: props.zipPath, type: AssetType.FILE });
    this.function = new LambdaFunction(this, 'function', {
      functionName: props.functionName,
      role: this.role.arn,
      runtime: LAMBDA_RUNTIME,
      architectures: ['arm64'],
      handler: 'index.handler',
      filename: code.path,
      sourceCodeHash: Fn.filebase64sha256(code.path),
      memorySize: props.memoryMb ?? env.lambda.memoryMb,
      timeout: this.timeoutSeconds,
      reservedConcurrentExecutions: props.reservedConcurrency,
      environment: {
        variables: { NODE_OPTIONS: '--enable-source-maps', POWERTOOLS_SERVICE_NAME: 'chat', ...props.environment },
      },
      loggingConfig: { logFormat: 'JSON', logGroup: this.logGroup.name, applicationLogLevel: 'INFO', systemLogLevel: 'WARN' },
      dependsOn: [this.logGroup, policy],
    });
  }
}
