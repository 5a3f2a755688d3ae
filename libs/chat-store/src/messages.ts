import { createHash } from 'node:crypto';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ChatError, type ChatMessage } from '@relay/chat-core';
import { isConditionFailure } from './client';
import type { Page, PageKey } from './memberships';

export interface NewMessage {
  roomId: string;
  senderId: string;
  senderName: string;
  clientMessageId: string;
  body: string;
}

export interface AppendResult {
  message: ChatMessage;
  /**
   * False for exactly one attempt per (room, sender, clientMessageId): the one whose write stored
   * the message. Every other attempt (a retry, or a concurrent twin that lost) gets the stored copy
   * with true. An attempt that failed before storing anything leaves the next one to say false.
   */
  duplicate: boolean;
}

/** Claims outlive any sane client retry window, then TTL removes them. */
const CLAIM_TTL_SECONDS = 24 * 60 * 60;
const COUNTER_SK = 'counter';

interface Claim {
  seq: number;
  bodyHash: string;
}

/** What an earlier attempt with a message's idempotency key left (see `priorAttempt`). */
export type PriorAttempt = { kind: 'none' } | { kind: 'same'; seq: number } | { kind: 'conflict' };

export interface MessagesTables {
  rooms: string;
  messages: string;
}

export class MessagesRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tables: MessagesTables,
  ) {}

  /**
   * Stores a message exactly once per (room, sender, clientMessageId) without transactions:
   * 1. look for an earlier attempt's claim on the idempotency key (skipped when `prior` is given):
   *    a retry, the usual duplicate, is answered from storage without taking a number;
   * 2. take the next per-room sequence number (atomic counter);
   * 3. claim the idempotency key with a conditional put that records that number;
   * 4. write the message under it with a conditional put.
   * An attempt that loses the claim race to a concurrent twin reuses the claimed number and, if
   * the first attempt died between 3 and 4, writes the message itself, so an acknowledged message
   * is never lost. Only such a race (or an attempt that dies between 2 and 3) leaves a gap in the
   * sequence: every member's client reads a gap as a possible loss and asks history, so a plain
   * retry must never make one. Order is strict either way.
   */
  async append(input: NewMessage, now = new Date(), prior?: PriorAttempt): Promise<AppendResult> {
    const earlier = prior ?? (await this.priorAttempt(input));
    if (earlier.kind !== 'none') return this.answerEarlier(input, earlier, now);
    const seq = await this.nextSeq(input.roomId);
    const claimKey = { roomId: input.roomId, sk: claimSk(input) };
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tables.rooms,
          Item: { ...claimKey, seq, bodyHash: hashBody(input.body), expiresAt: epochSeconds(now) + CLAIM_TTL_SECONDS },
          ConditionExpression: 'attribute_not_exists(sk)',
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      // A twin claimed the key first: answer from its claim, whatever it recorded.
      const claimed = await this.priorAttempt(input);
      if (claimed.kind === 'none') throw new Error('idempotency claim vanished between conditional put and read');
      return this.answerEarlier(input, claimed, now);
    }
    return this.storeUnder(input, seq, now);
  }

  /**
   * What an earlier attempt with this idempotency key left: nothing, a claim for the same body
   * (a retry, to be answered from storage), or a claim for another body (a conflict). Lets a
   * caller decide before spending anything, e.g. a rate limit, on a request that stores nothing
   * new, and hand the answer to `append` instead of reading the claim twice.
   */
  async priorAttempt(input: NewMessage): Promise<PriorAttempt> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tables.rooms, Key: { roomId: input.roomId, sk: claimSk(input) }, ConsistentRead: true }),
    );
    const claim = Item as Claim | undefined;
    if (!claim) return { kind: 'none' };
    return claim.bodyHash === hashBody(input.body) ? { kind: 'same', seq: claim.seq } : { kind: 'conflict' };
  }

  async get(roomId: string, seq: number): Promise<ChatMessage | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tables.messages, Key: { roomId, seq }, ConsistentRead: true }));
    return Item as ChatMessage | undefined;
  }

  /**
   * The room's last assigned seq (0 for a room never posted to). Strongly consistent: a reader
   * that is told N must never be served a page cached for an earlier number.
   */
  async latestSeq(roomId: string): Promise<number> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tables.rooms, Key: { roomId, sk: COUNTER_SK }, ConsistentRead: true }));
    const seq: unknown = Item?.['lastSeq'];
    return typeof seq === 'number' ? seq : 0;
  }

  /** Messages after `after`, oldest first (a gap or a reconnect's catch-up). */
  async historyAfter(roomId: string, after: number, limit: number): Promise<ChatMessage[]> {
    const result = await this.db.send(
      new QueryCommand({
        TableName: this.tables.messages,
        KeyConditionExpression: 'roomId = :room AND seq > :after',
        ExpressionAttributeValues: { ':room': roomId, ':after': after },
        ScanIndexForward: true,
        Limit: limit,
      }),
    );
    return (result.Items ?? []) as ChatMessage[];
  }

  /** Newest first. */
  async history(roomId: string, limit: number, startKey?: PageKey): Promise<Page<ChatMessage>> {
    const result = await this.db.send(
      new QueryCommand({
        TableName: this.tables.messages,
        KeyConditionExpression: 'roomId = :room',
        ExpressionAttributeValues: { ':room': roomId },
        ScanIndexForward: false,
        Limit: limit,
        ExclusiveStartKey: startKey,
      }),
    );
    return { items: (result.Items ?? []) as ChatMessage[], lastKey: result.LastEvaluatedKey as PageKey };
  }

  private async nextSeq(roomId: string): Promise<number> {
    const { Attributes } = await this.db.send(
      new UpdateCommand({
        TableName: this.tables.rooms,
        Key: { roomId, sk: COUNTER_SK },
        UpdateExpression: 'ADD lastSeq :one',
        ExpressionAttributeValues: { ':one': 1 },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    const seq: unknown = Attributes?.['lastSeq'];
    if (typeof seq !== 'number') throw new Error(`room ${roomId} counter returned no sequence number`);
    return seq;
  }

  /**
   * An earlier attempt's claim: another body is a conflict; the same body is answered with the
   * message stored under its number or, if that attempt died before writing it, this attempt's copy.
   */
  private async answerEarlier(input: NewMessage, earlier: Exclude<PriorAttempt, { kind: 'none' }>, now: Date): Promise<AppendResult> {
    if (earlier.kind === 'conflict') throw new ChatError('invalid_request', 'clientMessageId was already used for a different message');
    const stored = await this.get(input.roomId, earlier.seq);
    if (stored) return { message: stored, duplicate: true };
    return this.storeUnder(input, earlier.seq, now);
  }

  /**
   * Writes the message under its claimed number. Losing the conditional put means a twin attempt
   * (a retry racing this one) stored it first: that is success for this sender, not an error.
   */
  private async storeUnder(input: NewMessage, seq: number, now: Date): Promise<AppendResult> {
    const message = toMessage(input, seq, now);
    try {
      await this.putMessage(message);
      return { message, duplicate: false };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const winner = await this.get(input.roomId, seq);
      if (!winner) throw new Error(`message ${input.roomId}/${seq} vanished after a conditional put race`);
      // Only a twin holds this number; anything else means the counter and the claims disagree,
      // and acknowledging another sender's message would hide this one's loss.
      if (winner.senderId !== input.senderId || winner.clientMessageId !== input.clientMessageId) {
        throw new Error(`message ${input.roomId}/${seq} belongs to another send: the room's counter is behind its claims`);
      }
      return { message: winner, duplicate: true };
    }
  }

  private async putMessage(message: ChatMessage): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tables.messages,
        Item: message,
        ConditionExpression: 'attribute_not_exists(seq)',
      }),
    );
  }
}

function hashBody(body: string): string {
  return createHash('sha256').update(body).digest('base64url');
}

function claimSk(input: NewMessage): string {
  return `claim#${input.senderId}#${input.clientMessageId}`;
}

function toMessage(input: NewMessage, seq: number, now: Date): ChatMessage {
  return {
    roomId: input.roomId,
    seq,
    senderId: input.senderId,
    senderName: input.senderName,
    clientMessageId: input.clientMessageId,
    body: input.body,
    sentAt: now.toISOString(),
  };
}

export function epochSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}
