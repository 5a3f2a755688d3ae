import { z } from 'zod';
import { checkSecret } from '@relay/runtime-contract';

/**
 * The service's configuration: environment variables, which ECS fills from the task definition
 * and SSM Parameter Store (the token secret). Every problem is reported at once at start.
 */
function secret(value: string | undefined, name: string, ctx: z.RefinementCtx): string {
  try {
    return checkSecret(value, name);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
    return z.NEVER;
  }
}

const configSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().default('0.0.0.0'),
  AWS_REGION: z.string().min(1).default('us-east-1'),
  DYNAMODB_ENDPOINT: z.url().optional(),
  CHAT_ROOMS_TABLE: z.string().min(3),
  CHAT_MESSAGES_TABLE: z.string().min(3),
  CHAT_CONNECTIONS_TABLE: z.string().min(3),
  CHAT_MEMBERSHIPS_TABLE: z.string().min(3),
  FOLLOWS_TABLE: z.string().min(3),
  // Fail closed: a missing, short or placeholder secret stops the task with what to run.
  AUTH_TOKEN_SECRET: z
    .string()
    .optional()
    .transform((v, ctx) => secret(v, 'AUTH_TOKEN_SECRET', ctx)),
  /** Seals the followers cursors (opaque and tamper-evident). */
  CURSOR_SECRET: z
    .string()
    .optional()
    .transform((v, ctx) => secret(v, 'CURSOR_SECRET', ctx)),
  AUTH_ISSUER: z.string().min(1).default('relay'),
  AUTH_AUDIENCE: z.string().min(1).default('relay-chat'),
  POSTS_PER_MINUTE: z.coerce.number().int().min(1).default(30),
  /** How long SIGTERM waits for in-flight requests; Fargate Spot gives 120 s in all. */
  DRAIN_SECONDS: z.coerce.number().int().min(1).max(115).default(100),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type BroadcastConfig = z.infer<typeof configSchema>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): BroadcastConfig {
  const result = configSchema.safeParse(env);
  if (!result.success) {
    throw new Error(`invalid configuration: ${result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return result.data;
}
