import { DynamoDBClient, PutItemCommand, GetItemCommand, BatchWriteItemCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { startDynalite, type RunningDynalite, type RunningServer } from './dynalite-server';
import { DynamoStreamTap } from './stream-tap';
import { createTables } from './tables';

let dynamo: RunningDynalite;
let tapServer: RunningServer;
let tap: DynamoStreamTap;
let client: DynamoDBClient;
const records: DynamoDBRecord[] = [];

const table = (TableName: string) => ({
  TableName,
  BillingMode: 'PAY_PER_REQUEST' as const,
  AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' as const }],
  KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' as const }],
});

beforeAll(async () => {
  dynamo = await startDynalite();
  tap = new DynamoStreamTap(dynamo.handle, [{ tableName: 'watched', keyAttributes: ['pk'] }]);
  tap.onRecord((r) => records.push(r));
  tapServer = await tap.listen();
  await createTables(tapServer.url, [table('watched'), table('unwatched')]);
  await createTables(tapServer.url, [table('watched')]); // idempotent
  client = new DynamoDBClient({ endpoint: tapServer.url, region: 'us-east-1', credentials: { accessKeyId: 'l', secretAccessKey: 'l' }, maxAttempts: 1 });
});

afterAll(async () => {
  client.destroy();
  await tapServer.close();
  await dynamo.close();
});

beforeEach(() => {
  records.length = 0;
  tap.resetCounts();
});

describe('DynamoStreamTap', () => {
  it('emits NEW_IMAGE INSERT records for committed puts on watched tables only, in order', async () => {
    await client.send(new PutItemCommand({ TableName: 'watched', Item: { pk: { S: 'a' }, v: { N: '1' } } }));
    await client.send(new PutItemCommand({ TableName: 'unwatched', Item: { pk: { S: 'b' } } }));
    await client.send(new BatchWriteItemCommand({ RequestItems: { watched: [{ PutRequest: { Item: { pk: { S: 'c' } } } }] } }));
    expect(records.map((r) => [r.eventName, r.dynamodb?.Keys, r.dynamodb?.StreamViewType])).toEqual([
      ['INSERT', { pk: { S: 'a' } }, 'NEW_IMAGE'],
      ['INSERT', { pk: { S: 'c' } }, 'NEW_IMAGE'],
    ]);
    expect(records[0]!.dynamodb?.NewImage).toEqual({ pk: { S: 'a' }, v: { N: '1' } });
    expect(BigInt(records[1]!.dynamodb!.SequenceNumber!)).toBeGreaterThan(BigInt(records[0]!.dynamodb!.SequenceNumber!));
    expect(records[0]!.eventSourceARN).toMatch(/^arn:aws:dynamodb:us-east-1:\d{12}:table\/watched\/stream\//);
  });

  it('emits nothing for a put that failed its condition', async () => {
    await client.send(new PutItemCommand({ TableName: 'watched', Item: { pk: { S: 'once' } } }));
    await expect(
      client.send(new PutItemCommand({ TableName: 'watched', Item: { pk: { S: 'once' } }, ConditionExpression: 'attribute_not_exists(pk)' })),
    ).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
    expect(records).toHaveLength(1);
  });

  it('counts calls by operation', async () => {
    await client.send(new GetItemCommand({ TableName: 'watched', Key: { pk: { S: 'a' } } }));
    await client.send(new GetItemCommand({ TableName: 'watched', Key: { pk: { S: 'a' } } }));
    await client.send(new PutItemCommand({ TableName: 'unwatched', Item: { pk: { S: 'x' } } }));
    expect(tap.callCounts()).toEqual({ GetItem: 2, PutItem: 1 });
  });

  it('answers matching requests with a real server error until the rule is removed', async () => {
    const heal = tap.failWhen((operation) => operation === 'GetItem');
    await expect(client.send(new GetItemCommand({ TableName: 'watched', Key: { pk: { S: 'a' } } }))).rejects.toMatchObject({
      name: 'InternalServerError',
      $metadata: { httpStatusCode: 500 },
    });
    heal();
    await expect(client.send(new GetItemCommand({ TableName: 'watched', Key: { pk: { S: 'a' } } }))).resolves.toBeDefined();
  });
});
