import { ChatClient, startLocalRuntime, type LocalRuntime } from '@relay/serverless-emulator';

/**
 * A chunk that used up its receives sits in the dead-letter queue until redriven. The redrive
 * (SQS StartMessageMoveTask, here LocalQueue.redrive) puts it back on the chunk queue, and the
 * worker posts it again: members still connected get it once, a member who left meanwhile is
 * answered 410 and removed, and nobody gets a second copy of what they already had.
 */
jest.setTimeout(90_000);

const CHUNK = 4;
let runtime: LocalRuntime;
const clients: ChatClient[] = [];

beforeAll(async () => {
  runtime = await startLocalRuntime({
    onError: () => undefined,
    fanout: { chunkSize: CHUNK, directMax: 2 },
    // Long enough that a worker slowed by a loaded machine is not received twice.
    queue: { visibilityTimeoutMs: 2000, maxReceiveCount: 2, maxConcurrency: 2 },
  });
});

afterAll(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await runtime?.stop();
});

it('redelivers a dead-lettered chunk to the members still connected, once each, and to nobody who left', async () => {
  const roomId = 'redrive-room';
  const members: ChatClient[] = [];
  for (let i = 0; i < 8; i++) {
    const client = await ChatClient.connect(runtime.wsUrl, await runtime.issueToken(`fan-${i}`));
    clients.push(client);
    expect(await client.request({ action: 'join', roomId })).toMatchObject({ type: 'ack' });
    members.push(client);
  }
  await runtime.settle();
  const copies = () => members.map((m) => m.messages(roomId).filter((f) => f['clientMessageId'] === 'lost-1').length);

  // Every receive of this message's chunks crashes its worker while `failing`: each chunk uses
  // up its two receives and is dead-lettered; nobody has the message.
  let failing = true;
  for (let i = 0; i < 20; i++) runtime.queue.crashNext((body) => failing && body.includes('lost-1'));
  const sender = members[0]!;
  expect(await sender.request({ action: 'send', roomId, clientMessageId: 'lost-1', body: 'lost-1' })).toMatchObject({ type: 'ack', seq: expect.any(Number) });
  await runtime.settle();
  failing = false;
  const deadLettered = runtime.queue.deadLetters.length;
  expect(deadLettered).toBeGreaterThanOrEqual(2);
  expect(copies()).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);

  // Two members leave before the redrive.
  const left = members.splice(6, 2);
  await Promise.all(left.map((c) => c.close()));
  await runtime.settle();

  expect(runtime.queue.redrive()).toBe(deadLettered);
  await Promise.all(members.map((m) => m.next((f) => f['clientMessageId'] === 'lost-1', 20_000)));
  await runtime.settle();
  expect(copies()).toEqual([1, 1, 1, 1, 1, 1]);
  expect(left.map((c) => c.messages(roomId).filter((f) => f['clientMessageId'] === 'lost-1').length)).toEqual([0, 0]);
  expect(runtime.queue.deadLetters).toHaveLength(0);
  // A second redrive finds nothing to move.
  expect(runtime.queue.redrive()).toBe(0);
});
