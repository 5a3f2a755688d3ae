import { Writable } from 'node:stream';
import { Logger } from '@aws-lambda-powertools/logger';
import pino from 'pino';
import { humanLine, humanLogStream } from './human-logs';

/** Collects what a logger writes, line by line. */
function capture(): { lines: string[]; stream: Writable } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return { lines, stream };
}

describe('human log lines', () => {
  it('renders a real pino line (the broadcast service) with its level, message and fields', () => {
    const { lines, stream } = capture();
    pino({ base: { pid: 1 } }, stream).warn({ reqId: 'req-1', statusCode: 429 }, 'rate limited');
    expect(humanLine(lines[0]!)).toMatch(/^\d{2}:\d{2}:\d{2}\.\d{3} WARN {2}broadcast rate limited reqId=req-1 statusCode=429$/);
  });

  it('renders a real Powertools line (the chat handlers)', () => {
    const { lines } = capture();
    const logger = new Logger({ serviceName: 'chat', logLevel: 'INFO' });
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk).trim());
      return true;
    });
    try {
      logger.info('delivered', { roomId: 'lobby', recipients: 3 });
    } finally {
      spy.mockRestore();
    }
    const line = lines.find((l) => l.includes('delivered'))!;
    expect(humanLine(line)).toMatch(/^\d{2}:\d{2}:\d{2}\.\d{3} INFO {2}chat {6}delivered roomId=lobby recipients=3$/);
  });

  it('leaves everything that is not a JSON object alone, including broken JSON', () => {
    for (const line of ['Relay is up locally', '{"level":', '[1,2]', '']) expect(humanLine(line)).toBe(line);
  });

  it('quotes values with spaces and colours only when asked', () => {
    const line = JSON.stringify({ level: 'ERROR', message: 'boom', service: 'chat', timestamp: '2026-11-25T10:00:00.000Z', error: 'table not found' });
    expect(humanLine(line)).toBe('10:00:00.000 ERROR chat      boom error="table not found"');
    expect(humanLine(line, true)).toContain('\x1b[31mERROR\x1b[0m');
  });

  it('renders lines split across chunks as whole lines', async () => {
    const stream = humanLogStream(false);
    const out: string[] = [];
    stream.on('data', (d: Buffer) => out.push(d.toString()));
    const line = JSON.stringify({ level: 30, time: Date.UTC(2026, 10, 25, 10), msg: 'listening' });
    stream.write(line.slice(0, 10));
    stream.write(`${line.slice(10)}\nplain text\n`);
    stream.end();
    await new Promise((resolve) => stream.on('end', resolve));
    expect(out.join('')).toBe('10:00:00.000 INFO  broadcast listening\nplain text\n');
  });
});
