import { createServer, type Server } from 'node:http';
import { closeServer, listen, onFreePort } from './dynalite-server';

describe('onFreePort', () => {
  it('starts again on another port when the chosen one is taken before the bind', async () => {
    const held: Server[] = [];
    const tried: number[] = [];
    const started = await onFreePort(async (port) => {
      tried.push(port);
      if (tried.length === 1) {
        // Someone else binds the port in the window between choosing and binding it.
        const squatter = createServer();
        held.push(squatter);
        await listen(squatter, port);
      }
      return listen(createServer(), port);
    });
    try {
      expect(tried).toHaveLength(2);
      expect(started.port).toBe(tried[1]);
      expect(tried[1]).not.toBe(tried[0]);
    } finally {
      await started.close();
      for (const server of held) await closeServer(server);
    }
  });

  it('passes any other failure through at once', async () => {
    let calls = 0;
    await expect(
      onFreePort(async () => {
        calls += 1;
        throw new Error('moto_server exited: ModuleNotFoundError');
      }),
    ).rejects.toThrow('ModuleNotFoundError');
    expect(calls).toBe(1);
  });

  it('gives up after the attempts it was given, with the last error', async () => {
    let calls = 0;
    await expect(
      onFreePort(async (port) => {
        calls += 1;
        throw new Error(`Port ${port} is already in use`);
      }, 3),
    ).rejects.toThrow('is already in use');
    expect(calls).toBe(3);
  });
});
