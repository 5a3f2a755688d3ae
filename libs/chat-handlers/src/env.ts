import { Logger } from '@aws-lambda-powertools/logger';
import { getParameter } from '@aws-lambda-powertools/parameters/ssm';
import { z } from 'zod';
import type { TokenSettings } from '@relay/chat-core';
import { createChatStores, createDocumentClient } from '@relay/chat-store';
import type { ConnectDeps, HandlerDeps } from './deps';
import type { DeliverDeps } from './deliver';
import { createManagementPoster } from './poster';

/**
 * Lambda configuration comes from the environment the infrastructure sets (names of tables,
 * endpoints, SSM parameter names). It is validated once per cold start with a message that
 * names every missing or bad variable.
 */
const baseEnv = z.object({
  AWS_REGION: z.string().min(1).default('us-east-1'),
  DYNAMODB_ENDPOINT: z.url().optional(),
  CHAT_CONNECTIONS_TABLE: z.string().min(3),
  CHAT_MEMBERSHIPS_TABLE: z.string().min(3),
  CHAT_ROOMS_TABLE: z.string().min(3),
  CHAT_MESSAGES_TABLE: z.string().min(3),
});

/** The token secret is read from SSM on AWS (AUTH_TOKEN_SECRET_PARAMETER) and given directly locally. */
const connectEnv = baseEnv
  .extend({
    AUTH_TOKEN_SECRET: z.string().min(32).optional(),
    AUTH_TOKEN_SECRET_PARAMETER: z.string().startsWith('/').optional(),
    AUTH_ISSUER: z.string().min(1),
    AUTH_AUDIENCE: z.string().min(1),
  })
  .refine((e) => (e.AUTH_TOKEN_SECRET === undefined) !== (e.AUTH_TOKEN_SECRET_PARAMETER === undefined), {
    message: 'set exactly one of AUTH_TOKEN_SECRET and AUTH_TOKEN_SECRET_PARAMETER',
    path: ['AUTH_TOKEN_SECRET'],
  });

/** Rotating the secret in SSM reaches every warm container within this long. */
const SECRET_CACHE_SECONDS = 300;

const deliverEnv = baseEnv.extend({
  WS_MANAGEMENT_ENDPOINT: z.url(),
  DELIVERY_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(64),
});

function readEnv<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv): z.infer<S> {
  const result = schema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid Lambda environment: ${problems}`);
  }
  return result.data;
}

function baseDeps(env: z.infer<typeof baseEnv>): HandlerDeps {
  const db = createDocumentClient({ region: env.AWS_REGION, endpoint: env.DYNAMODB_ENDPOINT });
  return {
    stores: createChatStores(db, {
      connections: env.CHAT_CONNECTIONS_TABLE,
      memberships: env.CHAT_MEMBERSHIPS_TABLE,
      rooms: env.CHAT_ROOMS_TABLE,
      messages: env.CHAT_MESSAGES_TABLE,
    }),
    logger: new Logger({ serviceName: 'chat' }),
  };
}

export function handlerDepsFromEnv(env = process.env): HandlerDeps {
  return baseDeps(readEnv(baseEnv, env));
}

export function connectDepsFromEnv(env = process.env): ConnectDeps {
  const config = readEnv(connectEnv, env);
  const settings = (secret: string): TokenSettings => ({ secret, issuer: config.AUTH_ISSUER, audience: config.AUTH_AUDIENCE });
  const direct = config.AUTH_TOKEN_SECRET;
  if (direct !== undefined) return { ...baseDeps(config), tokenSettings: async () => settings(direct) };
  const parameterName = config.AUTH_TOKEN_SECRET_PARAMETER as string;
  return {
    ...baseDeps(config),
    tokenSettings: async () => {
      const secret = await getParameter(parameterName, { decrypt: true, maxAge: SECRET_CACHE_SECONDS });
      if (!secret) throw new Error(`SSM parameter ${parameterName} is empty`);
      return settings(secret);
    },
  };
}

export function deliverDepsFromEnv(env = process.env): DeliverDeps {
  const config = readEnv(deliverEnv, env);
  return {
    ...baseDeps(config),
    poster: createManagementPoster({
      endpoint: config.WS_MANAGEMENT_ENDPOINT,
      region: config.AWS_REGION,
      maxSockets: config.DELIVERY_CONCURRENCY,
    }),
    concurrency: config.DELIVERY_CONCURRENCY,
  };
}
