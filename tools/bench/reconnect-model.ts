import { reconnectDelay, type Backoff } from '@relay/chat-client';
import { MAX_PAGE_SIZE } from '@relay/chat-core';
import { DELIVERY_FANOUT } from '@relay/runtime-contract';
import { Clock, Quota, random } from '@relay/delivery-model';

/**
 * What a storm costs a room, on the fan-out model's virtual clock: N members' sockets dropped
 * at once (a deploy, a blip) reconnect with the client's own backoff (chat-client's
 * reconnectDelay) through the account's new-connection quota, then re-enter the room; or one
 * chunk of a message is lost and the members it was for notice the gap. `before` is the client
 * as it was (every re-entry: join + newest history page + member list; a gap: a whole
 * re-entry); `after` is chat-client's RoomSync (a join that says the room's last seq, history
 * only after the last seq held, no member list for an artist room's audience). Read units are
 * DynamoDB's: 4 KB per strongly consistent unit, half for eventually consistent. A model, not
 * a measurement: the sizes and round trips below are its assumptions.
 */
export interface ReconnectParams {
  members: number;
  design: 'before' | 'after';
  scenario: 'mass-drop' | 'lost-chunk';
  /** API Gateway new connections per second for the account (500 by default). */
  newConnectionsPerSecond: number;
  /** API Gateway requests per second for the account (10,000 by default), shared with delivery. */
  requestsPerSecond: number;
  backoff: Backoff;
  /** A handshake ($connect Lambda included), and one request's round trip. */
  handshakeMs: number;
  requestMs: number;
  /** Newest page, and its average stored message size. */
  pageSize: number;
  messageBytes: number;
  /** Member rows one members read returns, and a row's size. */
  memberRows: number;
  memberRowBytes: number;
  reorderWindowMs: number;
  seed: number;
}

export interface ReconnectResult {
  requests: number;
  /** Handshakes refused by the new-connection quota, and requests by the request quota. */
  refusedHandshakes: number;
  throttledRequests: number;
  readUnits: number;
  /** From the drop (or the lost chunk's next message) until the last member has caught up. */
  recoverMs: number;
}

export const DEFAULT_RECONNECT_PARAMS: Omit<ReconnectParams, 'members' | 'design' | 'scenario'> = {
  newConnectionsPerSecond: 500,
  requestsPerSecond: 10_000,
  backoff: { baseMs: 500, maxMs: 15_000 },
  handshakeMs: 60,
  requestMs: 25,
  pageSize: 30,
  messageBytes: 400,
  memberRows: MAX_PAGE_SIZE,
  memberRowBytes: 160,
  reorderWindowMs: 500,
  seed: 7,
};

const KB4 = 4096;
const strong = (bytes: number) => Math.max(1, Math.ceil(bytes / KB4));
const eventual = (bytes: number) => Math.max(1, Math.ceil(bytes / KB4)) / 2;

/** Read units per request, from what each handler reads (libs/chat-handlers rooms.ts). */
function readUnits(p: ReconnectParams, request: 'join' | 'history-page' | 'history-after' | 'members'): number {
  // Every room read first checks the caller's membership (strongly consistent GetItem).
  const membership = strong(p.memberRowBytes);
  switch (request) {
    case 'join':
      // The connection (strong); after: the room's counter too (strong), to answer lastSeq.
      return strong(p.memberRowBytes) + (p.design === 'after' ? strong(64) : 0);
    case 'history-page':
      // before: a page query; after: the counter (strong), and the query only when the page is not cached.
      return membership + eventual(p.pageSize * p.messageBytes) + (p.design === 'after' ? strong(64) : 0);
    case 'history-after':
      return membership + eventual(p.messageBytes);
    case 'members':
      return membership + eventual(p.memberRows * p.memberRowBytes);
  }
}

export function runReconnectModel(p: ReconnectParams): ReconnectResult {
  const clock = new Clock();
  const rng = random(p.seed);
  const connections = new Quota(p.newConnectionsPerSecond / 1000, p.newConnectionsPerSecond);
  const requestQuota = new Quota(p.requestsPerSecond / 1000, p.requestsPerSecond);
  const result: ReconnectResult = { requests: 0, refusedHandshakes: 0, throttledRequests: 0, readUnits: 0, recoverMs: 0 };
  const done = (at: number) => (result.recoverMs = Math.max(result.recoverMs, at));

  // Requests one after another, each retried after a short jitter when throttled.
  const sequence = (at: number, requests: Parameters<typeof readUnits>[1][]) => {
    const next = (i: number, time: number) => {
      const request = requests[i];
      if (request === undefined) return done(time);
      clock.at(time, () => {
        if (!requestQuota.take(clock.now)) {
          result.throttledRequests++;
          return next(i, clock.now + 50 + rng() * 200);
        }
        result.requests++;
        result.readUnits += readUnits(p, request);
        next(i + 1, clock.now + p.requestMs);
      });
    };
    next(0, at);
  };

  // Whether this member's client reads the member list: the old one always; RoomSync never in an artist room's audience.
  const entry = (): Parameters<typeof readUnits>[1][] => (p.design === 'before' ? ['join', 'history-page', 'members'] : ['join']);

  if (p.scenario === 'mass-drop') {
    const attempt = (member: number, tries: number, at: number) => {
      clock.at(at, () => {
        if (!connections.take(clock.now)) {
          result.refusedHandshakes++;
          return attempt(member, tries + 1, clock.now + reconnectDelay(tries + 1, p.backoff, rng));
        }
        result.requests++; // the $connect itself
        sequence(clock.now + p.handshakeMs, entry());
      });
    };
    for (let member = 0; member < p.members; member++) attempt(member, 0, reconnectDelay(0, p.backoff, rng));
  } else {
    // One chunk's members miss a message; each notices when the next one arrives (t = 0) and
    // waits the reorder window: the old client re-entered the room, RoomSync reads the one seq.
    const missed = Math.min(p.members, DELIVERY_FANOUT.chunkSize);
    for (let member = 0; member < missed; member++) {
      sequence(p.reorderWindowMs + rng() * p.requestMs, p.design === 'before' ? ['join', 'history-page', 'members'] : ['history-after']);
    }
  }
  clock.run();
  return result;
}
