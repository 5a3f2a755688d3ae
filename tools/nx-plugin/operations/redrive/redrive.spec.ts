import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DELIVERY_FANOUT } from '@relay/runtime-contract';
import { resolveEnvironment } from '@relay/platform-config';
import { startMoto, type MotoServer, startSqsMoveTaskStandIn, type SqsMoveTaskStandIn } from '@relay/emulators';
import { chunkQueueNames, redriveChunks, redriveRate } from './redrive';

/**
 * The chunk redrive against moto's SQS, with SQS's message move tasks (which moto lacks) played
 * by sqs-move-task-stand-in.ts on moto's real queues: the dead-lettered chunks travel back to
 * the chunk queue unchanged, at a rate the account's API Gateway quota leaves room for, and no
 * other environment's queues are touched.
 */
jest.setTimeout(120_000);

const stag = resolveEnvironment('stag');
const dev = resolveEnvironment('dev');
let moto: MotoServer;
let standIn: SqsMoveTaskStandIn;
let direct: SQSClient;
let viaStandIn: SQSClient;

beforeAll(async () => {
  moto = await startMoto(stag.region, { account: stag.accountId });
  standIn = await startSqsMoveTaskStandIn(moto);
  direct = new SQSClient(moto.clientConfig);
  viaStandIn = new SQSClient({ ...moto.clientConfig, endpoint: standIn.endpoint });
});

afterAll(async () => {
  direct?.destroy();
  viaStandIn?.destroy();
  await standIn?.stop();
  await moto?.stop();
});

/** The two queues as ChatWebSocketApi declares them: chunks redrive to the dead-letter queue after 5 receives. */
async function queuesOf(env: typeof stag): Promise<{ chunks: string; deadLetters: string }> {
  const names = chunkQueueNames(env);
  const deadLetters = (await direct.send(new CreateQueueCommand({ QueueName: names.deadLetters }))).QueueUrl ?? '';
  const { Attributes = {} } = await direct.send(new GetQueueAttributesCommand({ QueueUrl: deadLetters, AttributeNames: ['QueueArn'] }));
  const chunks =
    (
      await direct.send(
        new CreateQueueCommand({
          QueueName: names.chunks,
          Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: Attributes.QueueArn, maxReceiveCount: 5 }) },
        }),
      )
    ).QueueUrl ?? '';
  return { chunks, deadLetters };
}

const chunk = (seq: number) =>
  JSON.stringify({ roomId: 'artist-a', seq, sentAt: '2026-12-04T00:00:00.000Z', frame: '{"type":"message"}', connectionIds: ['c1', 'c2'], round: 0 });

async function drain(url: string): Promise<string[]> {
  const bodies: string[] = [];
  for (;;) {
    const { Messages = [] } = await direct.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    if (Messages.length === 0) return bodies;
    bodies.push(...Messages.map((m) => m.Body ?? ''));
  }
}

async function count(url: string): Promise<number> {
  const { Attributes = {} } = await direct.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages'] }));
  return Number(Attributes.ApproximateNumberOfMessages);
}

describe('redriveChunks', () => {
  it("moves the env's dead-lettered chunks back to its chunk queue, unchanged, and nobody else's", async () => {
    const mine = await queuesOf(stag);
    const theirs = await queuesOf(dev);
    for (const seq of [1, 2, 3]) await direct.send(new SendMessageCommand({ QueueUrl: mine.deadLetters, MessageBody: chunk(seq) }));
    for (const seq of [7, 8]) await direct.send(new SendMessageCommand({ QueueUrl: theirs.deadLetters, MessageBody: chunk(seq) }));

    const plan = await redriveChunks(stag, viaStandIn, { dryRun: true });
    expect(plan).toMatchObject({ waiting: 3, maxNumberOfMessagesPerSecond: redriveRate(stag) });
    expect(standIn.calls.map((c) => c.target)).not.toContain('AmazonSQS.StartMessageMoveTask');

    const report = await redriveChunks(stag, viaStandIn, { wait: true, pollMs: 50 });
    expect(report).toMatchObject({ status: 'COMPLETED', moved: 3 });
    const start = standIn.calls.find((c) => c.target === 'AmazonSQS.StartMessageMoveTask');
    expect(start?.input).toEqual({
      SourceArn: `arn:aws:sqs:${stag.region}:${stag.accountId}:${chunkQueueNames(stag).deadLetters}`,
      DestinationArn: `arn:aws:sqs:${stag.region}:${stag.accountId}:${chunkQueueNames(stag).chunks}`,
      MaxNumberOfMessagesPerSecond: redriveRate(stag),
    });
    expect((await drain(mine.chunks)).sort()).toEqual([chunk(1), chunk(2), chunk(3)]);
    expect(await count(mine.deadLetters)).toBe(0);
    expect(await count(theirs.deadLetters)).toBe(2);
    expect(await count(theirs.chunks)).toBe(0);

    // Nothing waiting: nothing started.
    const starts = standIn.calls.filter((c) => c.target === 'AmazonSQS.StartMessageMoveTask').length;
    expect(await redriveChunks(stag, viaStandIn)).toMatchObject({ waiting: 0 });
    expect(standIn.calls.filter((c) => c.target === 'AmazonSQS.StartMessageMoveTask')).toHaveLength(starts);
  });

  it('refuses while a move task is running for the same queue, and names a queue that does not exist', async () => {
    const sourceArn = `arn:aws:sqs:${stag.region}:${stag.accountId}:${chunkQueueNames(stag).deadLetters}`;
    standIn.tasks.unshift({
      TaskHandle: 'h-running',
      Status: 'RUNNING',
      SourceArn: sourceArn,
      ApproximateNumberOfMessagesMoved: 0,
      StartedTimestamp: Date.now(),
    });
    await expect(redriveChunks(stag, viaStandIn)).rejects.toThrow('already RUNNING (task h-running)');
    standIn.tasks.shift();
    await expect(redriveChunks(resolveEnvironment('prod'), viaStandIn)).rejects.toThrow(
      `queue ${chunkQueueNames(resolveEnvironment('prod')).deadLetters} was not found`,
    );
  });

  it("moves at most half the account's API Gateway rate in posts, within SQS's 1-500 messages/s", () => {
    for (const env of [dev, stag, resolveEnvironment('prod')]) {
      const rate = redriveRate(env);
      expect(rate).toBeGreaterThanOrEqual(1);
      expect(rate).toBeLessThanOrEqual(500);
      expect(rate * DELIVERY_FANOUT.chunkSize).toBeLessThanOrEqual(env.webSocket.accountRequestsPerSecond / 2);
    }
  });
});
