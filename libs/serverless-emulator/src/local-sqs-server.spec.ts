import { request } from 'node:http';
import { SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { LocalQueue } from './local-queue';
import { LocalSqsServer } from './local-sqs-server';

/** The local queue's SQS endpoint, driven by the real SQS client and by hostile raw requests. */
const credentials = { accessKeyId: 'LOCALSQSTEST', secretAccessKey: 'local-sqs-test-secret-key-0000000000' };
let server: LocalSqsServer;
let endpoint: string;
let queueUrl: string;
let client: SQSClient;
const received: string[] = [];

beforeAll(async () => {
  server = new LocalSqsServer(credentials);
  endpoint = await server.start();
  const settings = { visibilityTimeoutMs: 1000, maxReceiveCount: 3, batchSize: 10, maxConcurrency: 1, timeoutMs: 1000 };
  queueUrl = server.add(new LocalQueue('chunks', settings, async (e) => void received.push(...e.Records.map((r) => r.body))));
  client = new SQSClient({ endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
});

afterAll(async () => {
  client.destroy();
  await server.stop();
});

function raw(body: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${endpoint}/`, { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.0', ...headers } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('the local SQS endpoint', () => {
  it('takes SendMessage and SendMessageBatch from the real client (its MD5 checks included) and feeds the queue', async () => {
    await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'one' }));
    const batch = await client.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: [
          { Id: 'a', MessageBody: 'two' },
          { Id: 'b', MessageBody: 'three' },
        ],
      }),
    );
    expect(batch.Successful?.map((s) => s.Id)).toEqual(['a', 'b']);
    await new Promise((r) => setTimeout(r, 50));
    expect(received).toEqual(expect.arrayContaining(['one', 'two', 'three']));
  });

  it('answers what SQS refuses with its error codes, through the real client', async () => {
    const send = (input: object) => client.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: [], ...input } as never));
    await expect(send({ Entries: [] })).rejects.toMatchObject({ name: 'EmptyBatchRequest' });
    await expect(send({ Entries: Array.from({ length: 11 }, (_, i) => ({ Id: `e${i}`, MessageBody: 'x' })) })).rejects.toMatchObject({
      name: 'TooManyEntriesInBatchRequest',
    });
    await expect(
      send({
        Entries: [
          { Id: 'a', MessageBody: 'x' },
          { Id: 'a', MessageBody: 'y' },
        ],
      }),
    ).rejects.toMatchObject({ name: 'BatchEntryIdsNotDistinct' });
    await expect(send({ Entries: [{ Id: 'a', MessageBody: 'x'.repeat(257 * 1024) }] })).rejects.toMatchObject({ $metadata: { httpStatusCode: 400 } });
    await expect(send({ Entries: [{ Id: 'a', MessageBody: 'x', DelaySeconds: 901 }] })).rejects.toMatchObject({ name: 'InvalidParameterValue' });
    await expect(client.send(new SendMessageCommand({ QueueUrl: `${endpoint}/000000000000/nope`, MessageBody: 'x' }))).rejects.toMatchObject({
      name: 'QueueDoesNotExist',
    });
  });

  it('refuses unsigned and wrongly signed requests, answers junk with a 4xx, and stays up', async () => {
    const stranger = new SQSClient({
      endpoint,
      region: 'us-east-1',
      credentials: { ...credentials, secretAccessKey: 'not-the-secret-0000000000000000' },
      maxAttempts: 1,
    });
    await expect(stranger.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'forged' }))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 403 },
    });
    stranger.destroy();
    const target = { 'x-amz-target': 'AmazonSQS.SendMessage' };
    for (const body of ['', '{', 'null', '[]', JSON.stringify({ QueueUrl: queueUrl, MessageBody: 'unsigned' }), 'x'.repeat(400 * 1024)]) {
      const answer = await raw(body, target);
      expect(answer.status).toBeGreaterThanOrEqual(400);
      expect(answer.status).toBeLessThan(500);
      expect(JSON.parse(answer.body)).toHaveProperty('__type');
    }
    expect(received).not.toContain('unsigned');
    await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'still up' }));
  });
});
