import type { Logger } from '@aws-lambda-powertools/logger';
import type { TokenSettings } from '@relay/chat-core';
import type { ChatStores } from '@relay/chat-store';

export interface HandlerDeps {
  stores: ChatStores;
  logger: Logger;
  clock?: () => Date;
}

export interface ConnectDeps extends HandlerDeps {
  /** Resolved lazily so the secret can come from SSM and be cached across invocations. */
  tokenSettings: () => Promise<TokenSettings>;
}

export function now(deps: HandlerDeps): Date {
  return deps.clock ? deps.clock() : new Date();
}
