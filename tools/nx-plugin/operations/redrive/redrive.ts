/**
 * Redrive of the fan-out's dead-lettered chunks: SQS StartMessageMoveTask from the chunks'
 * dead-letter queue back to the chunk queue, where the workers post each chunk again. A chunk
 * names connection ids, so only members still connected receive it (a gone socket answers 410
 * and is removed); clients drop a seq they already hold. The stream consumer's dead-letter
 * queue holds Lambda failure records, not messages a queue can take back: it is not redriven.
 */
import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListMessageMoveTasksCommand,
  StartMessageMoveTaskCommand,
  type ListMessageMoveTasksResultEntry,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { DELIVERY_FANOUT } from '@relay/runtime-contract';
import { resourcePrefix, type Environment } from '@relay/platform-config';

export interface RedriveOptions {
  /** Print what would move, start nothing. */
  dryRun?: boolean;
  /** Wait for the task to finish, polling every `pollMs`. */
  wait?: boolean;
  pollMs?: number;
  /** Give up waiting after this long (the task goes on). */
  waitTimeoutMs?: number;
}

export interface RedrivePlan {
  deadLetterQueueArn: string;
  chunkQueueArn: string;
  waiting: number;
  maxNumberOfMessagesPerSecond: number;
}

export interface RedriveReport extends RedrivePlan {
  taskHandle?: string;
  status?: string;
  moved?: number;
}

/** The chunk queue and its dead-letter queue, named as ChatWebSocketApi names them. */
export function chunkQueueNames(env: Environment): { chunks: string; deadLetters: string } {
  const prefix = resourcePrefix(env);
  return { chunks: `${prefix}-chat-fanout-chunks`, deadLetters: `${prefix}-chat-fanout-dlq` };
}

/**
 * Chunks per second to move: each is up to chunkSize posts to @connections, and the account's
 * API Gateway rate (platform-config) is shared with live traffic; a redrive may take half.
 */
export function redriveRate(env: Environment): number {
  const rate = Math.floor(env.webSocket.accountRequestsPerSecond / 2 / DELIVERY_FANOUT.chunkSize);
  // StartMessageMoveTask takes 1-500 messages per second.
  return Math.min(500, Math.max(1, rate));
}

async function queueArn(sqs: SQSClient, name: string): Promise<{ arn: string; waiting: number }> {
  const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: name })).catch((error: unknown) => {
    throw new Error(
      `queue ${name} was not found (${(error as Error).name}: ${(error as Error).message}): is this the env's account and region, and its chat stack applied?`,
    );
  });
  if (!QueueUrl) throw new Error(`queue ${name} has no URL`);
  const { Attributes = {} } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn', 'ApproximateNumberOfMessages'] }));
  if (!Attributes.QueueArn) throw new Error(`queue ${name} has no ARN`);
  return { arn: Attributes.QueueArn, waiting: Number(Attributes.ApproximateNumberOfMessages ?? 0) };
}

const FINISHED = new Set(['COMPLETED', 'CANCELLED', 'FAILED']);

export async function redriveChunks(env: Environment, sqs: SQSClient, options: RedriveOptions = {}): Promise<RedriveReport> {
  const names = chunkQueueNames(env);
  const deadLetters = await queueArn(sqs, names.deadLetters);
  const chunks = await queueArn(sqs, names.chunks);
  const plan: RedrivePlan = {
    deadLetterQueueArn: deadLetters.arn,
    chunkQueueArn: chunks.arn,
    waiting: deadLetters.waiting,
    maxNumberOfMessagesPerSecond: redriveRate(env),
  };
  // One move task per source at a time (SQS refuses a second); say so before trying.
  const { Results = [] } = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: deadLetters.arn, MaxResults: 10 }));
  const running = Results.find((task) => task.Status === 'RUNNING' || task.Status === 'CANCELLING');
  if (running) throw new Error(`a redrive of ${names.deadLetters} is already ${running.Status} (task ${running.TaskHandle ?? '?'}); wait for it or cancel it`);
  if (options.dryRun || plan.waiting === 0) return plan;

  const { TaskHandle } = await sqs.send(
    new StartMessageMoveTaskCommand({
      SourceArn: deadLetters.arn,
      DestinationArn: chunks.arn,
      MaxNumberOfMessagesPerSecond: plan.maxNumberOfMessagesPerSecond,
    }),
  );
  const report: RedriveReport = { ...plan, taskHandle: TaskHandle, status: 'RUNNING' };
  if (!options.wait) return report;

  const deadline = Date.now() + (options.waitTimeoutMs ?? 15 * 60 * 1000);
  for (;;) {
    const task = await currentTask(sqs, deadLetters.arn, TaskHandle);
    report.status = task?.Status ?? 'UNKNOWN';
    report.moved = task?.ApproximateNumberOfMessagesMoved;
    if (task?.Status === 'FAILED') throw new Error(`the redrive failed: ${task.FailureReason ?? 'no reason given'}`);
    if (task?.Status && FINISHED.has(task.Status)) return report;
    if (Date.now() > deadline) return report;
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 5000));
  }
}

async function currentTask(sqs: SQSClient, sourceArn: string, handle: string | undefined): Promise<ListMessageMoveTasksResultEntry | undefined> {
  const { Results = [] } = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: sourceArn, MaxResults: 10 }));
  return Results.find((task) => task.TaskHandle === handle) ?? Results[0];
}
