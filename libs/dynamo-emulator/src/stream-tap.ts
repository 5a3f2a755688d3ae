import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type RequestListener, type ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { DynamoDBRecord } from 'aws-lambda';
import { listen, type RunningServer } from './dynalite-server';

export interface StreamSource {
  tableName: string;
  keyAttributes: string[];
}

export type RecordListener = (record: DynamoDBRecord) => void;

/** Decides, per request, whether the tap answers with a DynamoDB server error instead of forwarding. */
export type FaultRule = (operation: string, body: string) => boolean;

type AttributeMap = Record<string, unknown>;

/**
 * A transparent front of the emulator, in its process: it hands each request to dynalite's own
 * handler rather than proxying it over a second HTTP hop, which doubled the HTTP work of every
 * DynamoDB call in the local runtime. dynalite has no Streams API, so the tap turns
 * every successful PutItem (and BatchWriteItem put) on a watched table into a NEW_IMAGE INSERT
 * record in the exact Lambda event shape, in commit order. It also counts calls by operation.
 * It cannot see MODIFY/REMOVE; the chat only ever inserts messages.
 */
export class DynamoStreamTap {
  private readonly sources = new Map<string, StreamSource>();
  private readonly listeners = new Set<RecordListener>();
  private readonly faults = new Set<FaultRule>();
  private readonly counts = new Map<string, number>();
  /** `operation table` of every call since recordTables(), for access tests; off by default (it parses every body). */
  private tableLog?: string[];
  private sequence = 0n;
  private readonly streamLabel = new Date().toISOString().replace(/Z$/, '');

  constructor(
    private readonly emulator: RequestListener,
    sources: StreamSource[],
    private readonly region = 'us-east-1',
  ) {
    for (const source of sources) this.sources.set(source.tableName, source);
  }

  onRecord(listener: RecordListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Failure injection: matching requests get a real 500 InternalServerError over HTTP, so the
   * SDK's own error handling and retries run. Returns a function that removes the rule.
   */
  failWhen(rule: FaultRule): () => void {
    this.faults.add(rule);
    return () => this.faults.delete(rule);
  }

  /** DynamoDB API calls seen since the last reset, by operation name. */
  callCounts(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  resetCounts(): void {
    this.counts.clear();
  }

  /** From now on, log which table each call names ("GetItem relay-x-rooms"); answers the log. */
  recordTables(): string[] {
    this.tableLog = [];
    return this.tableLog;
  }

  async listen(port = 0): Promise<RunningServer> {
    const server = createServer((req, res) => void this.forward(req, res));
    return listen(server, port);
  }

  private async forward(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const operation = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? 'unknown';
    this.counts.set(operation, (this.counts.get(operation) ?? 0) + 1);
    const text = body.toString('utf8');
    if (this.tableLog) {
      const input = JSON.parse(text) as { TableName?: string; RequestItems?: Record<string, unknown> };
      for (const table of input.TableName ? [input.TableName] : Object.keys(input.RequestItems ?? {})) this.tableLog.push(`${operation} ${table}`);
    }
    if ([...this.faults].some((rule) => rule(operation, text))) {
      res.writeHead(500, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: 'injected fault' }));
      return;
    }
    // Parsing every put body is wasted work when nothing consumes the stream.
    res.once('finish', () => {
      if (res.statusCode === 200 && this.listeners.size > 0) this.capture(operation, body);
    });
    // The body was read to count and match faults; the emulator reads this replay of it.
    const replay = Object.assign(Readable.from([body]), { headers: req.headers, method: req.method, url: req.url });
    this.emulator(replay as unknown as IncomingMessage, res);
  }

  private capture(operation: string, body: Buffer): void {
    if (operation !== 'PutItem' && operation !== 'BatchWriteItem') return;
    const input = JSON.parse(body.toString('utf8')) as {
      TableName?: string;
      Item?: AttributeMap;
      RequestItems?: Record<string, { PutRequest?: { Item: AttributeMap } }[]>;
    };
    if (operation === 'PutItem' && input.TableName && input.Item) {
      this.emit(input.TableName, input.Item);
    }
    for (const [table, writes] of Object.entries(input.RequestItems ?? {})) {
      for (const write of writes) if (write.PutRequest) this.emit(table, write.PutRequest.Item);
    }
  }

  private emit(tableName: string, item: AttributeMap): void {
    const source = this.sources.get(tableName);
    if (!source) return;
    const record: DynamoDBRecord = {
      eventID: randomUUID().replaceAll('-', ''),
      eventName: 'INSERT',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: this.region,
      eventSourceARN: `arn:aws:dynamodb:${this.region}:000000000000:table/${tableName}/stream/${this.streamLabel}`,
      dynamodb: {
        ApproximateCreationDateTime: Math.floor(Date.now() / 1000),
        Keys: Object.fromEntries(source.keyAttributes.map((k) => [k, item[k]])) as never,
        NewImage: item as never,
        SequenceNumber: (++this.sequence).toString().padStart(21, '0'),
        SizeBytes: Buffer.byteLength(JSON.stringify(item)),
        StreamViewType: 'NEW_IMAGE',
      },
    };
    for (const listener of this.listeners) listener(record);
  }
}

function readBody(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}
