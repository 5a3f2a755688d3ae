import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { ChatClient, startLocalRuntime, type LocalRuntime } from '@relay/serverless-emulator';
import { createDocumentClient } from '@relay/chat-store';

/**
 * The two-stage fan-out on the local runtime, real sockets end to end: the stream consumer
 * hands large rooms to the chunk queue, workers post the chunks, and faults on every side
 * (a crashed worker, throttles and resets, gone sockets, idle keep-alive sockets, a DynamoDB
 * outage) cost retries, never a delivery. Chunks of 10 and a small-room threshold of 5 make a
 * 30-member room several chunks; a short visibility timeout makes a redelivery quick.
 */
jest.setTimeout(90_000);

const CHUNK = 10;
let runtime: LocalRuntime;
const clients: ChatClient[] = [];

beforeAll(async () => {
  runtime = await startLocalRuntime({
    onError: () => undefined,
    fanout: { chunkSize: CHUNK, directMax: 5 },
    queue: { visibilityTimeoutMs: 1000, maxConcurrency: 4 },
    gatewayFaults: { keepAliveTimeoutMs: 300 },
  });
});

afterEach(async () => {
  runtime.gateway.setFaults({});
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await runtime.settle();
});

afterAll(() => runtime?.stop());

async function room(roomId: string, size: number): Promise<ChatClient[]> {
  const members: ChatClient[] = [];
  for (let i = 0; i < size; i++) {
    const client = await ChatClient.connect(runtime.wsUrl, await runtime.issueToken(`${roomId}-${i}`));
    clients.push(client);
    expect(await client.request({ action: 'join', roomId })).toMatchObject({ type: 'ack', action: 'join' });
    members.push(client);
  }
  await runtime.settle(); // presence frames of the joins are out of the way
  return members;
}

async function post(sender: ChatClient, roomId: string, clientMessageId: string): Promise<void> {
  expect(await sender.request({ action: 'send', roomId, clientMessageId, body: clientMessageId })).toMatchObject({ type: 'ack' });
}

/** Waits for everyone to have the message, then for the system to go quiet, and returns each member's copies. */
async function copiesEach(members: ChatClient[], roomId: string, clientMessageId: string): Promise<number[]> {
  await Promise.all(members.map((m) => m.next((f) => f.type === 'message' && f['clientMessageId'] === clientMessageId, 30_000)));
  await runtime.settle();
  return members.map((m) => m.messages(roomId).filter((f) => f['clientMessageId'] === clientMessageId).length);
}

/** Receives of chunk messages since `from`, by message id. */
function receivesSince(from: number): number[] {
  const counts = new Map<string, number>();
  for (const id of runtime.queue.receives.slice(from)) counts.set(id, (counts.get(id) ?? 0) + 1);
  return [...counts.values()];
}

describe('two-stage fan-out through the local runtime', () => {
  it('posts a small room directly and hands a large one to the workers in chunks, each member served once', async () => {
    const small = await room('small', 4);
    let before = runtime.queue.receives.length;
    await post(small[0]!, 'small', 's1');
    expect(await copiesEach(small, 'small', 's1')).toEqual([1, 1, 1, 1]);
    expect(runtime.queue.receives.length).toBe(before);

    const large = await room('large', 30);
    before = runtime.queue.receives.length;
    await post(large[0]!, 'large', 'l1');
    expect(await copiesEach(large, 'large', 'l1')).toEqual(Array(30).fill(1));
    // Read as parallel segments, so at least 30 / CHUNK chunks; each received once.
    const receives = receivesSince(before);
    expect(receives.length).toBeGreaterThanOrEqual(30 / CHUNK);
    expect(receives.every((n) => n === 1)).toBe(true);
    expect(runtime.pump.failed).toHaveLength(0);
  });

  it('redelivers the chunk of a crashed worker alone, after its visibility timeout', async () => {
    const members = await room('crash', 30);
    const before = runtime.queue.receives.length;
    runtime.queue.crashNext((body) => body.includes('crash-1'));
    await post(members[0]!, 'crash', 'crash-1');
    expect(await copiesEach(members, 'crash', 'crash-1')).toEqual(Array(30).fill(1));
    // The crashed chunk was received twice, every other chunk once.
    const receives = receivesSince(before);
    expect(receives.filter((n) => n === 2)).toHaveLength(1);
    expect(receives.filter((n) => n !== 2).every((n) => n === 1)).toBe(true);
    expect(receives.length).toBeGreaterThan(1);
    expect(runtime.queue.deadLetters).toHaveLength(0);
  });

  it('retries throttled and reset posts across the workers: every member gets the message once', async () => {
    const members = await room('faults', 30);
    runtime.gateway.setFaults({ throttleEveryNthPost: 4, resetEveryNthPost: 7 });
    await post(members[0]!, 'faults', 'f1');
    expect(await copiesEach(members, 'faults', 'f1')).toEqual(Array(30).fill(1));
    expect(runtime.queue.deadLetters).toHaveLength(0);
  });

  it('removes 10% gone recipients and serves every live one', async () => {
    const members = await room('ghosts', 27);
    const db = createDocumentClient({ endpoint: runtime.dynamoEndpoint, region: 'us-east-1' });
    // Connections whose $disconnect never ran (best effort on AWS): rows remain, sockets do not.
    for (let i = 0; i < 3; i++) {
      const ghost = { connectionId: `GhostConn${i}0000=`, userId: `ghost-${i}`, name: 'Ghost', expiresAt: 4102444800 };
      await db.send(new PutCommand({ TableName: runtime.tables.connections, Item: { ...ghost, connectedAt: '2026-01-01T00:00:00Z' } }));
      await db.send(new PutCommand({ TableName: runtime.tables.memberships, Item: { ...ghost, roomId: 'ghosts', joinedAt: '2026-01-01T00:00:00Z' } }));
    }
    db.destroy();
    await post(members[0]!, 'ghosts', 'g1');
    expect(await copiesEach(members, 'ghosts', 'g1')).toEqual(Array(27).fill(1));
    const listed = await members[0]!.request({ action: 'members', roomId: 'ghosts', limit: 100 });
    expect((listed['members'] as { userId: string }[]).filter((m) => m.userId.startsWith('ghost-'))).toEqual([]);
    expect(listed['members']).toHaveLength(27);
  });

  it('loses nothing across an idle gap longer than the keep-alive timeout of the posting sockets', async () => {
    const members = await room('idle', 25);
    await post(members[0]!, 'idle', 'before');
    expect(await copiesEach(members, 'idle', 'before')).toEqual(Array(25).fill(1));
    await new Promise((r) => setTimeout(r, 800)); // the gateway has closed every idle socket by now
    await post(members[0]!, 'idle', 'after');
    expect(await copiesEach(members, 'idle', 'after')).toEqual(Array(25).fill(1));
  });

  it('rides out a 5-second DynamoDB fault window during delivery without losing a delivery', async () => {
    const members = await room('outage', 30);
    const until = Date.now() + 5000;
    // Delivery's reads fail for 5 s (its checkpoint lookup and the member pages); sending still works.
    const heal = runtime.tap.failWhen(
      (operation, body) =>
        Date.now() < until && ((operation === 'Query' && body.includes('"outage"')) || (operation === 'GetItem' && body.includes('delivery#'))),
    );
    try {
      await post(members[0]!, 'outage', 'o1');
      expect(await copiesEach(members, 'outage', 'o1')).toEqual(Array(30).fill(1));
    } finally {
      heal();
    }
    expect(Date.now()).toBeGreaterThanOrEqual(until); // delivery really waited the outage out
    expect(runtime.pump.failed).toHaveLength(0);
    expect(runtime.queue.deadLetters).toHaveLength(0);
  });
});
