import { Transform, type TransformCallback } from 'node:stream';

/** pino's numeric levels and Powertools' names, as one short label. */
const PINO_LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
/** Fields a line shows in its own columns, or that say nothing to a person at a terminal. */
const SHOWN = new Set(['level', 'message', 'msg', 'timestamp', 'time', 'service', 'pid', 'hostname', 'sampling_rate', 'xray_trace_id', 'v']);

const COLOURS: Record<string, string> = { ERROR: '\x1b[31m', FATAL: '\x1b[31m', WARN: '\x1b[33m', INFO: '\x1b[36m', DEBUG: '\x1b[90m', TRACE: '\x1b[90m' };
const RESET = '\x1b[0m';

function clock(value: unknown): string {
  const date = typeof value === 'number' ? new Date(value) : typeof value === 'string' ? new Date(value) : new Date();
  return Number.isNaN(date.getTime()) ? '--:--:--.---' : date.toISOString().slice(11, 23);
}

function field(value: unknown): string {
  if (typeof value === 'string') return /\s|=/.test(value) ? JSON.stringify(value) : value;
  return JSON.stringify(value);
}

/**
 * One JSON log line (Powertools Logger from the handlers, pino from the broadcast service) as a
 * line a person reads: time, level, service, message, then the other fields as key=value.
 * Anything that is not a JSON object is returned unchanged.
 */
export function humanLine(line: string, colour = false): string {
  const trimmed = line.trim();
  if (!trimmed.startsWith('{')) return line;
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(trimmed) as Record<string, unknown>;
  } catch {
    return line;
  }
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return line;
  const rawLevel = entry['level'];
  const level = typeof rawLevel === 'number' ? (PINO_LEVELS[rawLevel] ?? String(rawLevel)) : String(rawLevel ?? 'LOG').toUpperCase();
  const message = String(entry['message'] ?? entry['msg'] ?? '');
  const service = String(entry['service'] ?? (typeof rawLevel === 'number' ? 'broadcast' : ''));
  const rest = Object.entries(entry)
    .filter(([key]) => !SHOWN.has(key))
    .map(([key, value]) => `${key}=${field(value)}`)
    .join(' ');
  const label = level.padEnd(5);
  const shownLevel = colour && COLOURS[level] ? `${COLOURS[level]}${label}${RESET}` : label;
  return [clock(entry['timestamp'] ?? entry['time']), shownLevel, service.padEnd(9), message, rest].filter((part) => part !== '').join(' ');
}

/** A stream that renders each JSON log line for people (see humanLine) and passes the rest on. */
export function humanLogStream(colour: boolean): Transform {
  let pending = '';
  return new Transform({
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      const lines = (pending + chunk.toString('utf8')).split('\n');
      pending = lines.pop() ?? '';
      done(null, lines.map((l) => `${humanLine(l, colour)}\n`).join(''));
    },
    flush(done: TransformCallback) {
      done(null, pending ? `${humanLine(pending, colour)}\n` : '');
    },
  });
}
