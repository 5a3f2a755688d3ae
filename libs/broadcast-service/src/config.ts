import { z } from 'zod';

/**
 * The service's configuration: environment variables, which ECS fills from the task definition
 * and SSM Parameter Store (the token secret). Every problem is reported at once at start.
 */
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
  AUTH_TOKEN_SECRET: z.string().min(32),
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
