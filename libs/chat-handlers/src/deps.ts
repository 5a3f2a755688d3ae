import type { Logger } from '@aws-lambda-powertools/logger';
import type { CursorCodec, KeyedTokenBuckets, TokenSettings } from '@relay/chat-core';
import type { ChatStores } from '@relay/chat-store';
import type { ConnectionPoster } from './poster';

export interface HandlerDeps {
  stores: ChatStores;
  logger: Logger;
  clock?: () => Date;
  /** Set where the function may post to sockets (presence on join, leave and disconnect). */
  poster?: ConnectionPoster;
  /** Per-connection frame limit; each route makes its own (CONNECTION_FRAME_LIMIT) when absent. */
  connectionLimit?: KeyedTokenBuckets;
}

export interface ConnectDeps extends HandlerDeps {
  /** Resolved lazily so the secret can come from SSM and be cached across invocations. */
  tokenSettings: () => Promise<TokenSettings>;
}

export interface PagingDeps extends HandlerDeps {
  /** Seals and opens pagination cursors; resolved lazily like the token secret. */
  cursors: () => Promise<CursorCodec>;
}

export function now(deps: HandlerDeps): Date {
  return deps.clock ? deps.clock() : new Date();
}
