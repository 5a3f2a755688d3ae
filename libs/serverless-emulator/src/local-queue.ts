import { randomUUID, createHash } from 'node:crypto';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import type { QueueLambda } from './lambda-types';
import { LOCAL_REGION } from './local-region';

/** The queue and its event source mapping, as the stack configures them (DELIVERY_FANOUT). */
export interface LocalQueueSettings {
  /** A received message stays hidden this long; if it is not deleted by then, it is received again. */
  visibilityTimeoutMs: number;
  /** Receives after which a message moves to the dead-letter queue instead (SQS redrive). */
  maxReceiveCount: number;
  /** Messages per invocation. */
  batchSize: number;
  /** Invocations at once (the event source's maximum concurrency). */
  maxConcurrency: number;
  /** The function's timeout: past it the invocation counts as failed, as Lambda would stop it. */
  timeoutMs: number;
}

interface Message {
  messageId: string;
  body: string;
  md5: string;
  sentAt: number;
  receiveCount: number;
  visibleAt: number;
}

export const MAX_DELAY_SECONDS = 900;

/**
 * An SQS standard queue with its Lambda event source, in process: batches, partial batch
 * responses (ReportBatchItemFailures), visibility timeouts (a failed, crashed or timed-out
 * invocation's messages come back only when their timeout ends), message delays, and redrive
 * to a dead-letter queue after maxReceiveCount receives.
 */
export class LocalQueue {
  readonly deadLetters: { messageId: string; body: string; receiveCount: number }[] = [];
  /** Every receive, in order: a redelivery shows up as a second entry for the same id. */
  readonly receives: string[] = [];
  invocations = 0;
  private readonly messages = new Map<string, Message>();
  private readonly crashRules: ((body: string) => boolean)[] = [];
  private inFlight = 0;
  private wake?: NodeJS.Timeout;
  private idleWaiters: (() => void)[] = [];
  private stopped = false;

  constructor(
    readonly name: string,
    private readonly settings: LocalQueueSettings,
    private readonly handler: QueueLambda,
    private readonly onError: (message: string, error: unknown) => void = () => undefined,
  ) {}

  send(body: string, delaySeconds = 0): { messageId: string; md5: string } {
    const now = Date.now();
    const message: Message = {
      messageId: randomUUID(),
      body,
      md5: createHash('md5').update(body).digest('hex'),
      sentAt: now,
      receiveCount: 0,
      visibleAt: now + delaySeconds * 1000,
    };
    this.messages.set(message.messageId, message);
    this.pump();
    return message;
  }

  /** Invocations at once, as the stack's event source allows. */
  get maxConcurrency(): number {
    return this.settings.maxConcurrency;
  }

  /** Messages not yet deleted or dead-lettered (visible, delayed or in flight). */
  get depth(): number {
    return this.messages.size;
  }

  /**
   * Failure tests: the next invocation whose batch holds a matching message dies before it
   * finishes (as a worker whose process crashed), so nothing of that batch is deleted.
   */
  crashNext(matches: (body: string) => boolean): void {
    this.crashRules.push(matches);
  }

  /**
   * What SQS's StartMessageMoveTask does for this queue's dead-letter queue: every dead letter
   * goes back as a new message (new id, no receives), oldest first. Answers how many moved.
   */
  redrive(): number {
    const moved = this.deadLetters.splice(0);
    for (const letter of moved) this.send(letter.body);
    return moved.length;
  }

  /** Resolves once every message sent so far is deleted or dead-lettered. */
  idle(): Promise<void> {
    if (this.messages.size === 0 && this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.wake);
    while (this.inFlight > 0) await new Promise((r) => setTimeout(r, 10));
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private pump(): void {
    if (this.stopped) return;
    clearTimeout(this.wake);
    this.wake = undefined;
    while (this.inFlight < this.settings.maxConcurrency) {
      const batch = this.receiveBatch();
      if (batch.length === 0) break;
      this.inFlight++;
      void this.invoke(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
    this.scheduleWake();
    if (this.messages.size === 0 && this.inFlight === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private receiveBatch(): Message[] {
    const now = Date.now();
    const batch: Message[] = [];
    for (const message of this.messages.values()) {
      if (batch.length >= this.settings.batchSize) break;
      if (message.visibleAt > now) continue;
      if (message.receiveCount >= this.settings.maxReceiveCount) {
        // SQS redrives a message whose receive count is used up instead of handing it out again.
        this.messages.delete(message.messageId);
        this.deadLetters.push({ messageId: message.messageId, body: message.body, receiveCount: message.receiveCount });
        continue;
      }
      message.receiveCount++;
      message.visibleAt = now + this.settings.visibilityTimeoutMs;
      this.receives.push(message.messageId);
      batch.push(message);
    }
    return batch;
  }

  private scheduleWake(): void {
    if (this.stopped || this.inFlight >= this.settings.maxConcurrency || this.messages.size === 0) return;
    let next = Infinity;
    for (const message of this.messages.values()) next = Math.min(next, message.visibleAt);
    if (next === Infinity) return;
    this.wake = setTimeout(() => this.pump(), Math.max(0, next - Date.now()) + 1);
  }

  private async invoke(batch: Message[]): Promise<void> {
    this.invocations++;
    const crash = this.crashRules.findIndex((rule) => batch.some((m) => rule(m.body)));
    if (crash !== -1) {
      this.crashRules.splice(crash, 1);
      this.onError(`${this.name}: a worker crashed (injected); its batch comes back after the visibility timeout`, undefined);
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), this.settings.timeoutMs)));
      const result = await Promise.race([this.handler(this.event(batch)), timeout]);
      if (result === 'timeout') {
        this.onError(`${this.name}: the worker ran past its timeout; its batch comes back after the visibility timeout`, undefined);
        return;
      }
      const failed = new Set((result?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
      for (const message of batch) if (!failed.has(message.messageId)) this.messages.delete(message.messageId);
    } catch (error) {
      this.onError(`${this.name}: the worker threw; its batch comes back after the visibility timeout`, error);
    } finally {
      clearTimeout(timer);
    }
  }

  private event(batch: Message[]): SQSEvent {
    const Records: SQSRecord[] = batch.map((m) => ({
      messageId: m.messageId,
      receiptHandle: `${m.messageId}#${m.receiveCount}`,
      body: m.body,
      attributes: {
        ApproximateReceiveCount: String(m.receiveCount),
        SentTimestamp: String(m.sentAt),
        SenderId: 'local',
        ApproximateFirstReceiveTimestamp: String(m.sentAt),
      },
      messageAttributes: {},
      md5OfBody: m.md5,
      eventSource: 'aws:sqs',
      eventSourceARN: `arn:aws:sqs:${LOCAL_REGION}:000000000000:${this.name}`,
      awsRegion: LOCAL_REGION,
    }));
    return { Records };
  }
}
