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
   * 1. take the next per-room sequence number (atomic counter),
   * 2. claim the idempotency key with a conditional put that records that number,
   * 3. write the message under it with a conditional put.
   * A retry that loses the claim race reuses the claimed number and, if the first attempt died
   * between 2 and 3, writes the message itself, so an acknowledged message is never lost.
   * A lost race leaves a gap in the sequence; order is still strict.
   */
  async append(input: NewMessage, now = new Date()): Promise<AppendResult> {
    const bodyHash = hashBody(input.body);
    const seq = await this.nextSeq(input.roomId);
    const claimKey = { roomId: input.roomId, sk: claimSk(input) };
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tables.rooms,
          Item: { ...claimKey, seq, bodyHash, expiresAt: epochSeconds(now) + CLAIM_TTL_SECONDS },
          ConditionExpression: 'attribute_not_exists(sk)',
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      return this.completeClaimed(input, bodyHash, now);
    }
    return this.storeUnder(input, seq, now);
  }

  /**
   * What an earlier attempt with this idempotency key left: nothing, a claim for the same body
   * (a retry, to be answered from storage), or a claim for another body (a conflict). Lets a
   * caller decide before spending anything, e.g. a rate limit, on a request that stores nothing new.
   */
  async priorAttempt(input: NewMessage): Promise<'none' | 'same' | 'conflict'> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tables.rooms, Key: { roomId: input.roomId, sk: claimSk(input) }, ConsistentRead: true }),
    );
    const claim = Item as Claim | undefined;
    if (!claim) return 'none';
    return claim.bodyHash === hashBody(input.body) ? 'same' : 'conflict';
  }

  async get(roomId: string, seq: number): Promise<ChatMessage | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tables.messages, Key: { roomId, seq }, ConsistentRead: true }));
    return Item as ChatMessage | undefined;
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

  private async completeClaimed(input: NewMessage, bodyHash: string, now: Date): Promise<AppendResult> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.tables.rooms,
        Key: { roomId: input.roomId, sk: claimSk(input) },
        ConsistentRead: true,
      }),
    );
    const claim = Item as Claim | undefined;
    if (!claim) throw new Error('idempotency claim vanished between conditional put and read');
    if (claim.bodyHash !== bodyHash) {
      throw new ChatError('invalid_request', 'clientMessageId was already used for a different message');
    }
    const stored = await this.get(input.roomId, claim.seq);
    if (stored) return { message: stored, duplicate: true };
    return this.storeUnder(input, claim.seq, now);
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
