import { ChatClient, startLocalRuntime, type LocalRuntime } from '@relay/serverless-emulator';

/**
 * The runtime as the load tests run it: the handler modules on worker threads of their own
 * (compiled there by tsx), the gateway, emulators and queue on this one. Both delivery stages
 * cross threads: the stream consumer hands a 30-member room to the chunk queue in chunks of
 * 10, and the workers' posts reach every member once.
 */
jest.setTimeout(90_000);

let runtime: LocalRuntime;
const clients: ChatClient[] = [];

beforeAll(async () => {
  runtime = await startLocalRuntime({ onError: () => undefined, placement: { workerThreads: 2 }, fanout: { chunkSize: 10, directMax: 5 } });
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await runtime?.stop();
});

it('serves a conversation and fans a large room out in chunks, each member once', async () => {
  const members: ChatClient[] = [];
  for (let i = 0; i < 30; i++) {
    const client = await ChatClient.connect(runtime.wsUrl, await runtime.issueToken(`t-${i}`));
    clients.push(client);
    expect(await client.request({ action: 'join', roomId: 'threads' })).toMatchObject({ type: 'ack', action: 'join' });
    members.push(client);
  }
  const [sender] = members;
  if (!sender) throw new Error('no members');
  const before = runtime.queue.receives.length;
  expect(await sender.request({ action: 'send', roomId: 'threads', clientMessageId: 'x1', body: 'across threads' })).toMatchObject({ type: 'ack', seq: 1 });
  await Promise.all(members.map((m) => m.next((f) => f.type === 'message' && f['clientMessageId'] === 'x1', 30_000)));
  await runtime.settle();
  expect(members.map((m) => m.messages('threads').filter((f) => f['clientMessageId'] === 'x1').length)).toEqual(Array(30).fill(1));
  expect(runtime.queue.receives.length - before).toBeGreaterThanOrEqual(3);
  expect(await sender.request({ action: 'history', roomId: 'threads', limit: 5 })).toMatchObject({
    type: 'history',
    items: [{ seq: 1, body: 'across threads' }],
  });
  // A route's own error crosses back as the frame it answers with, and the runtime stays up.
  expect(await sender.request({ action: 'send', roomId: 'threads', clientMessageId: 'bad id!', body: 'x' })).toMatchObject({
    type: 'error',
    code: 'invalid_request',
  });
  expect(await sender.request({ action: 'members', roomId: 'threads', limit: 1 })).toMatchObject({ type: 'members' });
});
