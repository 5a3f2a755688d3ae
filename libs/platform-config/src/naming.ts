import type { Environment } from './schema';

/** Every resource name starts with this, which is what isolates previews from each other. */
export function resourcePrefix(env: Environment): string {
  return `relay-${env.name}`;
}

/** SSM Parameter Store path for an app's runtime configuration. */
export function parameterPath(env: Environment, ...parts: string[]): string {
  return ['', 'relay', env.name, ...parts].join('/');
}

/** Where terraform keeps a stack's state: one bucket per account, one key per stack and env. */
export function stateLocation(env: Environment, stack: string) {
  return {
    bucket: `relay-tfstate-${env.accountId}-${env.region}`,
    key: `${stack}/${env.name}.tfstate`,
    region: env.region,
  };
}
