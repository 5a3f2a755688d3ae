import type { RoleMode } from '@relay/infra-constructs';
import { App } from 'cdktf';
import { BootstrapStack } from './bootstrap-stack';
import { ChatStack } from './chat-stack';
import { EdgeStack } from './edge-stack';
import { LoadgenStack } from './loadgen-stack';
import { PlatformStack } from './platform-stack';
import type { StackPlan } from './selection';
import { WebStack } from './web-stack';

export interface BuildOptions {
  outdir: string;
  /** dist/apps of the build: <app>/<function>.zip */
  artifactsDir: string;
  /** Which role terraform assumes: deploy, plan (read-only), or ambient (CI's own OIDC session). */
  role?: RoleMode;
  /**
   * Where the bootstrap stack keeps state: 'local' only for the first apply of a new account
   * (the bucket does not exist yet), then 's3' for good (tools/nx-plugin/scripts/bootstrap-account.ts).
   */
  bootstrapBackend?: 'local' | 's3';
}

/** Creates the selected stacks; each one reads only its own environment. */
export function buildApp(plans: StackPlan[], options: BuildOptions): App {
  const app = new App({ outdir: options.outdir });
  for (const { id, component, env } of plans) {
    const role = options.role;
    // The bootstrap stack creates the deploy roles and their guardrails, so it never assumes one:
    // an administrator applies it with the account's own session (docs/infrastructure.md, "A new account").
    if (component === 'bootstrap') new BootstrapStack(app, id, { env, role: 'ambient', backend: options.bootstrapBackend ?? 's3' });
    if (component === 'chat') new ChatStack(app, id, { env, artifactsDir: options.artifactsDir, role });
    if (component === 'platform') new PlatformStack(app, id, { env, role });
    if (component === 'web') new WebStack(app, id, { env, role });
    if (component === 'loadgen') new LoadgenStack(app, id, { env, role });
    if (component === 'edge') new EdgeStack(app, id, { env, role });
  }
  return app;
}
