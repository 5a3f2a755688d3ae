/**
 * Stand-ins for what the tools run against here: AWS (moto in server mode, and the stand-ins for
 * the parts moto lacks), the synthesized stacks Terraform would get, and the Python tools' venvs.
 */
export * from './moto/moto-server';
export * from './moto/aws-cli';
export * from './moto/fargate-stand-in';
export * from './moto/elbv2-capacity-stand-in';
export * from './moto/sqs-move-task-stand-in';
export * from './synthesized-stacks';
export * from './python-venv';
export * from './process-cpu';
export * from './loaded-packages';
