import { PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createTables, startDynalite, type RunningServer } from '@relay/dynamo-emulator';
import { createDocumentClient } from './client';
import { MembershipsRepository } from './memberships';
import { MessagesRepository } from './messages';
import { chatTableNames } from '@relay/runtime-contract';
import { createTableInputs } from './tables';

const tables = chatTableNames('store-test');
let dynamo: RunningServer;
let db: DynamoDBDocumentClient;
let messages: MessagesRepository;
let memberships: MembershipsRepository;

beforeAll(async () => {
  process.env['AWS_ACCESS_KEY_ID'] = 'local';
  process.env['AWS_SECRET_ACCESS_KEY'] = 'local';
  dynamo = await startDynalite();
  await createTables(dynamo.url, createTableInputs(tables));
  db = createDocumentClient({ endpoint: dynamo.url, region: 'us-east-1' });
  messages = new MessagesRepository(db, tables);
  memberships = new MembershipsRepository(db, tables.memberships);
});

afterAll(async () => {
  db.destroy();
  await dynamo.close();
});

const draft = (roomId: string, clientMessageId: string, body = `body of ${clientMessageId}`) => ({
  roomId,
  senderId: 'u1',
  senderName: 'User One',
  clientMessageId,
  body,
});

async function storedMessages(roomId: string) {
  const { Items = [] } = await db.send(
    new QueryCommand({ TableName: tables.messages, KeyConditionExpression: 'roomId = :r', ExpressionAttributeValues: { ':r': roomId } }),
  );
  return Items;
}

describe('MessagesRepository.append', () => {
  it('assigns strictly increasing per-room sequence numbers', async () => {
    const a = await messages.append(draft('seq-a', 'm1'));
    const b = await messages.append(draft('seq-a', 'm2'));
    const other = await messages.append(draft('seq-b', 'm1'));
    expect([a.message.seq, b.message.seq, other.message.seq]).toEqual([1, 2, 1]);
  });

  it('stores a retried clientMessageId once and returns the stored copy', async () => {
    const first = await messages.append(draft('dup', 'same'));
    const retry = await messages.append(draft('dup', 'same'), new Date('2030-01-01T00:00:00Z'));
    expect(retry).toEqual({ message: first.message, duplicate: true });
    expect(await storedMessages('dup')).toHaveLength(1);
  });

  it('takes no sequence number for a retry: the next message follows without a gap', async () => {
    const first = await messages.append(draft('no-gap', 'g1'));
    for (let retry = 0; retry < 3; retry++) expect((await messages.append(draft('no-gap', 'g1'))).duplicate).toBe(true);
    await expect(messages.append(draft('no-gap', 'g1', 'another body'))).rejects.toMatchObject({ code: 'invalid_request' });
    const next = await messages.append(draft('no-gap', 'g2'));
    expect(next.message.seq).toBe(first.message.seq + 1);
    expect((await storedMessages('no-gap')).map((m) => m['seq'])).toEqual([1, 2]);
  });

  it('takes the earlier attempt a caller already read, without reading the claim again', async () => {
    const first = await messages.append(draft('given', 'p1'));
    const prior = await messages.priorAttempt(draft('given', 'p1'));
    expect(prior).toEqual({ kind: 'same', seq: first.message.seq });
    expect(await messages.append(draft('given', 'p1'), new Date(), prior)).toEqual({ message: first.message, duplicate: true });
    expect(await messages.priorAttempt(draft('given', 'p1', 'other'))).toEqual({ kind: 'conflict' });
    expect(await messages.priorAttempt(draft('given', 'p2'))).toEqual({ kind: 'none' });
  });

  it('stores one message when the same clientMessageId races', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, () => messages.append(draft('race', 'x'))));
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    expect(new Set(results.map((r) => r.message.seq)).size).toBe(1);
    expect(await storedMessages('race')).toHaveLength(1);
  });

  it('scopes idempotency to the sender', async () => {
    await messages.append(draft('scoped', 'same'));
    const otherSender = await messages.append({ ...draft('scoped', 'same'), senderId: 'u2' });
    expect(otherSender.duplicate).toBe(false);
  });

  it('refuses a reused clientMessageId with a different body', async () => {
    await messages.append(draft('reuse', 'id-1', 'first'));
    await expect(messages.append(draft('reuse', 'id-1', 'second'))).rejects.toMatchObject({ code: 'invalid_request' });
    expect((await storedMessages('reuse')).map((m) => m['body'])).toEqual(['first']);
  });

  it("refuses to acknowledge another sender's message when the room's counter is behind its claims", async () => {
    await messages.append(draft('behind', 'b1'));
    // A restored or hand-edited table: the counter says 0 while message 1 exists.
    await db.send(new PutCommand({ TableName: tables.rooms, Item: { roomId: 'behind', sk: 'counter', lastSeq: 0 } }));
    await expect(messages.append({ ...draft('behind', 'b2'), senderId: 'u2' })).rejects.toThrow(/counter is behind/);
    expect((await storedMessages('behind')).map((m) => m['clientMessageId'])).toEqual(['b1']);
  });

  it('repairs a claim whose message was never written (writer died in between)', async () => {
    const first = await messages.append(draft('crash', 'c0'));
    // What a crashed first attempt leaves: the counter at 2 and the claim for seq 2, but no message 2.
    await db.send(
      new UpdateCommand({
        TableName: tables.rooms,
        Key: { roomId: 'crash', sk: 'counter' },
        UpdateExpression: 'ADD lastSeq :one',
        ExpressionAttributeValues: { ':one': 1 },
      }),
    );
    const { createHash } = await import('node:crypto');
    const bodyHash = createHash('sha256').update('body of c1').digest('base64url');
    await db.send(new PutCommand({ TableName: tables.rooms, Item: { roomId: 'crash', sk: 'claim#u1#c1', seq: 2, bodyHash, expiresAt: 4102444800 } }));
    const retry = await messages.append(draft('crash', 'c1'));
    // The crashed attempt was never acknowledged: this retry stored the message, so it is no duplicate.
    expect(retry.duplicate).toBe(false);
    expect(retry.message).toMatchObject({ seq: 2, body: 'body of c1' });
    expect((await storedMessages('crash')).map((m) => m['seq'])).toEqual([first.message.seq, 2]);
    // The repair reused the claimed number: the room's next message follows it.
    expect((await messages.append(draft('crash', 'c2'))).message.seq).toBe(3);
  });
});

describe('MessagesRepository.append under a racing twin', () => {
  /** A client of the real table whose first message write waits at a gate, as a slow writer would. */
  function heldAtMessageWrite() {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let reached!: () => void;
    const held = new Promise<void>((resolve) => (reached = resolve));
    let armed = true;
    const slow = {
      send: async (command: unknown) => {
        if (armed && command instanceof PutCommand && command.input.TableName === tables.messages) {
          armed = false;
          reached();
          await gate;
        }
        return db.send(command as never);
      },
    } as unknown as DynamoDBDocumentClient;
    return { repository: new MessagesRepository(slow, tables), held, release };
  }

  it('acks the original attempt with its stored message when its retry stored it first', async () => {
    const slow = heldAtMessageWrite();
    const original = slow.repository.append(draft('twin', 't1'));
    await slow.held; // claimed, about to write the message
    const retry = await messages.append(draft('twin', 't1'));
    slow.release();
    const first = await original;
    expect(retry).toMatchObject({ duplicate: false, message: { seq: 1, body: 'body of t1' } });
    expect(first).toEqual({ message: retry.message, duplicate: true });
    expect(await storedMessages('twin')).toHaveLength(1);
  });

  it('says duplicate: false on exactly one attempt of generated concurrent retries', async () => {
    for (let round = 0; round < 5; round++) {
      const attempts = 2 + round;
      const results = await Promise.all(Array.from({ length: attempts }, () => messages.append(draft('many-twins', `m${round}`))));
      expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
      expect(new Set(results.map((r) => r.message.seq)).size).toBe(1);
    }
    expect(await storedMessages('many-twins')).toHaveLength(5);
  });
});

describe('MessagesRepository.history', () => {
  it('pages newest first', async () => {
    for (let i = 1; i <= 5; i++) await messages.append(draft('hist', `h${i}`));
    const page1 = await messages.history('hist', 2);
    const page2 = await messages.history('hist', 2, page1.lastKey);
    const page3 = await messages.history('hist', 2, page2.lastKey);
    expect([...page1.items, ...page2.items, ...page3.items].map((m) => m.seq)).toEqual([5, 4, 3, 2, 1]);
  });
});

describe('MembershipsRepository', () => {
  const member = (roomId: string, connectionId: string) => ({
    roomId,
    connectionId,
    userId: `user-${connectionId}`,
    name: connectionId,
    joinedAt: '2026-01-01T00:00:00Z',
    expiresAt: 4102444800,
  });

  it('removes every membership of a connection through the by-connection index', async () => {
    for (const room of ['r1', 'r2', 'r3']) await memberships.join(member(room, 'conn-a'));
    await memberships.join(member('r1', 'conn-b'));
    expect((await memberships.removeConnection('conn-a')).sort()).toEqual(['r1', 'r2', 'r3']);
    expect(await memberships.roomsOf('conn-a')).toEqual([]);
    expect((await memberships.list('r1', 10)).items.map((m) => m.connectionId)).toEqual(['conn-b']);
  });

  it('pages the connection ids of a room with Query', async () => {
    for (let i = 0; i < 7; i++) await memberships.join(member('paged', `c${i}`));
    const pages: string[][] = [];
    for await (const page of memberships.connectionIdPages('paged', 3)) pages.push(page);
    expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);
    expect(pages.flat().sort()).toEqual(['c0', 'c1', 'c2', 'c3', 'c4', 'c5', 'c6']);
  });
});
