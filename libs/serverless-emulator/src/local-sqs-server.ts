import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listen, type RunningServer } from '@relay/dynamo-emulator';
import { LocalQueue, MAX_DELAY_SECONDS } from './local-queue';
import { LOCAL_REGION } from './local-region';
import { verifyManagementSignature, type ManagementCredentials, type SigningExpectation } from './management-auth';

/** SQS's own limits, so what works here works there (messages portably under 256 KiB). */
const MAX_BODY_BYTES = 256 * 1024;
const MAX_BATCH_ENTRIES = 10;
const ENTRY_ID = /^[A-Za-z0-9_-]{1,80}$/;
/** The largest request worth reading: a full batch plus its JSON framing. */
const MAX_REQUEST_BYTES = MAX_BODY_BYTES + 64 * 1024;

class SqsError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The send side of SQS (SendMessage, SendMessageBatch) over its JSON protocol on 127.0.0.1,
 * so handlers use the real SQS client, signatures included. The receive side is the queue's
 * event source, played by LocalQueue itself. Any other request answers a 4xx SQS error.
 */
export class LocalSqsServer {
  private readonly queues = new Map<string, LocalQueue>();
  private readonly server = createServer((req, res) => this.handle(req, res));
  private running?: RunningServer;

  private readonly expected: SigningExpectation;

  constructor(credentials: ManagementCredentials) {
    this.expected = { credentials, region: LOCAL_REGION, service: 'sqs' };
  }

  async start(port = 0): Promise<string> {
    this.running = await listen(this.server, port);
    return this.running.url;
  }

  get url(): string {
    if (!this.running) throw new Error('the local SQS endpoint is not started');
    return this.running.url;
  }

  /** Registers a queue; returns its URL. */
  add(queue: LocalQueue): string {
    this.queues.set(queue.name, queue);
    return `${this.url}/000000000000/${queue.name}`;
  }

  async stop(): Promise<void> {
    await this.running?.close();
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_REQUEST_BYTES) chunks.push(chunk);
    });
    req.on('error', () => undefined);
    req.on('end', () => {
      this.answer(req, size > MAX_REQUEST_BYTES ? undefined : Buffer.concat(chunks))
        .then((result) => reply(res, 200, result))
        .catch((error: unknown) => {
          const e = error instanceof SqsError ? error : new SqsError(500, 'InternalError', String(error));
          reply(res, e.status, { __type: `com.amazonaws.sqs#${e.code}`, message: e.message });
        });
    });
  }

  private async answer(req: IncomingMessage, body: Buffer | undefined): Promise<unknown> {
    if (req.method !== 'POST' || (req.url ?? '/') !== '/') throw new SqsError(400, 'InvalidAction', 'POST / with an X-Amz-Target header');
    if (!body) throw new SqsError(400, 'BatchRequestTooLong', `requests are limited to ${MAX_REQUEST_BYTES} bytes`);
    const refused = await verifyManagementSignature(req, body, this.expected);
    if (refused) throw new SqsError(403, 'AccessDenied', refused);
    let input: Record<string, unknown>;
    try {
      input = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
      if (typeof input !== 'object' || input === null) throw new Error('not an object');
    } catch {
      throw new SqsError(400, 'InvalidParameterValue', 'the body is not a JSON object');
    }
    const queue = this.queueAt(input['QueueUrl']);
    switch (req.headers['x-amz-target']) {
      case 'AmazonSQS.SendMessage': {
        const sent = queue.send(messageBody(input['MessageBody']), delay(input['DelaySeconds']));
        return { MessageId: sent.messageId, MD5OfMessageBody: sent.md5 };
      }
      case 'AmazonSQS.SendMessageBatch':
        return this.sendBatch(queue, input['Entries']);
      default:
        throw new SqsError(
          400,
          'InvalidAction',
          `unsupported action ${String(req.headers['x-amz-target'])}: the local queue takes SendMessage and SendMessageBatch`,
        );
    }
  }

  private queueAt(url: unknown): LocalQueue {
    const name = typeof url === 'string' ? url.split('/').pop() : undefined;
    const queue = name ? this.queues.get(name) : undefined;
    if (!queue) throw new SqsError(400, 'QueueDoesNotExist', `no queue at ${String(url)}`);
    return queue;
  }

  private sendBatch(queue: LocalQueue, entries: unknown): unknown {
    if (!Array.isArray(entries) || entries.length === 0) throw new SqsError(400, 'EmptyBatchRequest', 'Entries must hold at least one entry');
    if (entries.length > MAX_BATCH_ENTRIES) throw new SqsError(400, 'TooManyEntriesInBatchRequest', `at most ${MAX_BATCH_ENTRIES} entries`);
    const ids = entries.map((e) => (e as { Id?: unknown })?.Id);
    if (!ids.every((id) => typeof id === 'string' && ENTRY_ID.test(id))) throw new SqsError(400, 'InvalidBatchEntryId', 'each Id is 1-80 of [A-Za-z0-9_-]');
    if (new Set(ids).size !== ids.length) throw new SqsError(400, 'BatchEntryIdsNotDistinct', 'Ids must be distinct');
    const bodies = entries.map((e) => messageBody((e as { MessageBody?: unknown }).MessageBody));
    const total = bodies.reduce((sum, b) => sum + Buffer.byteLength(b), 0);
    if (total > MAX_BODY_BYTES) throw new SqsError(400, 'BatchRequestTooLong', `the batch's bodies total ${total} bytes, over ${MAX_BODY_BYTES}`);
    const delays = entries.map((e) => delay((e as { DelaySeconds?: unknown }).DelaySeconds));
    const Successful = bodies.map((body, i) => {
      const sent = queue.send(body, delays[i]);
      return { Id: ids[i], MessageId: sent.messageId, MD5OfMessageBody: sent.md5 };
    });
    return { Successful, Failed: [] };
  }
}

function messageBody(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) throw new SqsError(400, 'MissingParameter', 'MessageBody must be a non-empty string');
  if (Buffer.byteLength(value) > MAX_BODY_BYTES) throw new SqsError(400, 'InvalidParameterValue', `MessageBody is over ${MAX_BODY_BYTES} bytes`);
  return value;
}

function delay(value: unknown): number {
  if (value === undefined || value === null) return 0;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_DELAY_SECONDS) {
    throw new SqsError(400, 'InvalidParameterValue', `DelaySeconds must be an integer from 0 to ${MAX_DELAY_SECONDS}`);
  }
  return value;
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
  res.end(JSON.stringify(body));
}
