import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { createTables, startDynalite, type RunningDynalite } from '@relay/dynamo-emulator';
import { createDocumentClient } from './client';
import { chatTableNames } from '@relay/runtime-contract';
import { createTableInputs } from './tables';

/**
 * A call that waits for a socket past the connection timeout (the pool is busy with a slow call)
 * is retried, not failed: dynalite behind a proxy that holds the first request back until the
 * queued call has timed out and begun its second attempt. The hold ends on that event, not after
 * a fixed delay, so a loaded machine cannot make the queued call run out of attempts first.
 */
const tables = chatTableNames('client-test');
let dynamo: RunningDynalite;
let proxy: Server;
let held = 0;
let release: () => void = () => undefined;
const released = new Promise<void>((resolve) => (release = resolve));

beforeAll(async () => {
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' });
  dynamo = await startDynalite();
  await createTables(dynamo.url, createTableInputs(tables));
  const target = new URL(dynamo.url);
  proxy = createServer((req, res) => {
    const wait = held++ === 0 ? released : Promise.resolve();
    void wait.then(() => {
      const upstream = request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      req.pipe(upstream);
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  await new Promise<void>((resolve) => proxy.close(() => resolve()));
  await dynamo.close();
});

it('retries a call whose wait for a pooled socket outlasted the connection timeout', async () => {
  const db = createDocumentClient({
    endpoint: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    region: 'us-east-1',
    maxSockets: 1,
    connectionTimeoutMs: 1000,
  });
  // Every attempt of every call passes here after the retry middleware: a second attempt releases the held request.
  const releaseOnRetry = (next: (args: unknown) => Promise<unknown>, context: { attempt?: number }) => (args: unknown) => {
    context.attempt = (context.attempt ?? 0) + 1;
    if (context.attempt >= 2) release();
    return next(args);
  };
  db.middlewareStack.addRelativeTo(releaseOnRetry as unknown as Parameters<typeof db.middlewareStack.addRelativeTo>[0], {
    relation: 'after',
    toMiddleware: 'retryMiddleware',
    name: 'releaseHeldRequest',
  });
  const get = () => db.send(new GetCommand({ TableName: tables.rooms, Key: { roomId: 'r', sk: 'counter' } }));
  const attempts = (await Promise.all([get(), get()])).map((r) => r.$metadata.attempts ?? 0).sort();
  // The held call went through at once; the one queued behind it timed out waiting for the
  // socket, and succeeded on a retry instead of failing its handler.
  expect(attempts[0]).toBe(1);
  expect(attempts[1]).toBeGreaterThanOrEqual(2);
  db.destroy();
});
