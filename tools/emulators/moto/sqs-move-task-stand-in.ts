import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DeleteMessageBatchCommand, GetQueueUrlCommand, ReceiveMessageCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { MotoServer } from './moto-server';

/**
 * SQS's message move tasks in front of moto, for tests: moto (5.2.5) implements SQS but not
 * StartMessageMoveTask or ListMessageMoveTasks, and no recorded responses are at hand. This
 * answers those two in SQS's JSON protocol with the response shapes of the SQS API reference
 * and performs the move on moto's real queues (receive, send to the destination, delete), so
 * the messages really travel; every other call is passed through to moto untouched.
 */
export interface MoveTask {
  TaskHandle: string;
  Status: 'RUNNING' | 'COMPLETED' | 'FAILED';
  SourceArn: string;
  DestinationArn?: string;
  MaxNumberOfMessagesPerSecond?: number;
  ApproximateNumberOfMessagesMoved: number;
  StartedTimestamp: number;
  FailureReason?: string;
}

export interface SqsMoveTaskStandIn {
  endpoint: string;
  /** Every call's X-Amz-Target and input, in order, passed through or answered here. */
  calls: { target: string; input: Record<string, unknown> }[];
  tasks: MoveTask[];
  /** Resolves when every started move has finished. */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

const nameOf = (arn: string) => arn.split(':').pop() ?? '';

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export async function startSqsMoveTaskStandIn(moto: MotoServer): Promise<SqsMoveTaskStandIn> {
  const sqs = new SQSClient(moto.clientConfig);
  const calls: SqsMoveTaskStandIn['calls'] = [];
  const tasks: MoveTask[] = [];
  const moves: Promise<void>[] = [];

  async function move(task: MoveTask): Promise<void> {
    try {
      const url = async (arn: string) => (await sqs.send(new GetQueueUrlCommand({ QueueName: nameOf(arn) }))).QueueUrl ?? '';
      const from = await url(task.SourceArn);
      const to = await url(task.DestinationArn ?? '');
      for (;;) {
        const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: from, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
        if (Messages.length === 0) break;
        await sqs.send(new SendMessageBatchCommand({ QueueUrl: to, Entries: Messages.map((m, i) => ({ Id: String(i), MessageBody: m.Body ?? '' })) }));
        await sqs.send(
          new DeleteMessageBatchCommand({ QueueUrl: from, Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? '' })) }),
        );
        task.ApproximateNumberOfMessagesMoved += Messages.length;
      }
      task.Status = 'COMPLETED';
    } catch (error) {
      task.Status = 'FAILED';
      task.FailureReason = String(error);
    }
  }

  const server: Server = createServer((req, res) => {
    void readBody(req)
      .then(async (body) => {
        const target = String(req.headers['x-amz-target'] ?? '');
        const input = body.length > 0 ? (JSON.parse(body.toString('utf8')) as Record<string, unknown>) : {};
        calls.push({ target, input });
        const answer = (status: number, payload: unknown) => {
          res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' }).end(JSON.stringify(payload));
        };
        if (target === 'AmazonSQS.StartMessageMoveTask') {
          const source = String(input['SourceArn'] ?? '');
          if (tasks.some((t) => t.SourceArn === source && t.Status === 'RUNNING')) {
            return answer(400, { __type: 'com.amazonaws.sqs#UnsupportedOperation', message: 'a message move task is already running for this source' });
          }
          const task: MoveTask = {
            TaskHandle: Buffer.from(JSON.stringify({ taskId: randomUUID(), sourceArn: source })).toString('base64'),
            Status: 'RUNNING',
            SourceArn: source,
            DestinationArn: input['DestinationArn'] as string | undefined,
            MaxNumberOfMessagesPerSecond: input['MaxNumberOfMessagesPerSecond'] as number | undefined,
            ApproximateNumberOfMessagesMoved: 0,
            StartedTimestamp: Date.now(),
          };
          tasks.unshift(task);
          moves.push(move(task));
          return answer(200, { TaskHandle: task.TaskHandle });
        }
        if (target === 'AmazonSQS.ListMessageMoveTasks') {
          const max = Number(input['MaxResults'] ?? 1);
          return answer(200, { Results: tasks.filter((t) => t.SourceArn === input['SourceArn']).slice(0, max) });
        }
        const upstream = await fetch(`${moto.endpoint}${req.url ?? '/'}`, {
          method: req.method,
          headers: Object.fromEntries(Object.entries(req.headers).flatMap(([k, v]) => (typeof v === 'string' && k !== 'host' ? [[k, v]] : []))),
          body: req.method === 'GET' || req.method === 'HEAD' ? undefined : body,
        });
        res.writeHead(upstream.status, Object.fromEntries(upstream.headers.entries())).end(Buffer.from(await upstream.arrayBuffer()));
      })
      .catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ message: String(error) }));
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    tasks,
    async settled() {
      await Promise.all(moves);
    },
    async stop() {
      await Promise.all(moves);
      sqs.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
