import { createHash } from 'node:crypto';
import { SIGV4_ALGORITHM, sigv4CanonicalUri, sigv4HeaderValue, sigv4Scope, sigv4Signature, sigv4SigningKey } from '@relay/chat-core';
import { OriginClient } from './origin-client';
import type { ConnectionPoster } from './poster';

/** What the poster signs with: Lambda puts its role's credentials in the environment. */
export interface PosterCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export function credentialsFromEnv(env = process.env): () => PosterCredentials {
  return () => {
    const accessKeyId = env['AWS_ACCESS_KEY_ID'];
    const secretAccessKey = env['AWS_SECRET_ACCESS_KEY'];
    if (!accessKeyId || !secretAccessKey) throw new Error('AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set to sign @connections posts');
    return { accessKeyId, secretAccessKey, ...(env['AWS_SESSION_TOKEN'] ? { sessionToken: env['AWS_SESSION_TOKEN'] } : {}) };
  };
}

/**
 * The IAM action a hand-signed request performs. Named at every call site, so the runtime-roles
 * check (tools/policy/iam/sdk-calls.ts) sees it as it sees an SDK command.
 */
export type SignedAction = 'execute-api:ManageConnections';

export async function signedAwsRequest<T>(_action: SignedAction, request: () => Promise<T>): Promise<T> {
  return request();
}

/** An @connections answer that was not 2xx, shaped like the SDK's errors for the retry rules. */
export class ManagementApiError extends Error {
  readonly $metadata: { httpStatusCode: number };
  constructor(status: number, name: string, message: string) {
    super(message);
    this.name = name;
    this.$metadata = { httpStatusCode: status };
  }
}

// SigV4 dates have a resolution of a second: one formatted stamp serves every post in it.
let stamp = { second: -1, text: '' };
function amzDate(): string {
  const second = Math.floor(Date.now() / 1000);
  if (second !== stamp.second) stamp = { second, text: new Date(second * 1000).toISOString().replace(/[:-]|\.\d{3}/g, '') };
  return stamp.text;
}

const NAMES: Record<number, string> = { 403: 'ForbiddenException', 410: 'GoneException', 413: 'PayloadTooLargeException', 429: 'LimitExceededException' };

const SIGNED = 'content-length;content-type;host;x-amz-content-sha256;x-amz-date';
const SIGNED_WITH_TOKEN = `${SIGNED};x-amz-security-token`;
const CONTENT_TYPE = 'application/octet-stream';

/**
 * The headers of one signed @connections POST of a frame (its bytes and their SHA-256, made once
 * per frame): every header it sends is signed, as the SDK's signer signs them, and the payload
 * hash goes in as a header, as the SDK sends it. Exported for bench:fanout, which times exactly
 * this.
 */
export function signPost(
  host: string,
  path: string,
  region: string,
  frame: { body: Buffer; sha256: string },
  credentials: PosterCredentials,
): Record<string, string> {
  const date = amzDate();
  const day = date.slice(0, 8);
  const scope = sigv4Scope(day, region, 'execute-api');
  const length = String(frame.body.length);
  const token = credentials.sessionToken ? sigv4HeaderValue(credentials.sessionToken) : undefined;
  const signedHeaders = token ? SIGNED_WITH_TOKEN : SIGNED;
  const canonicalRequest =
    `POST\n${sigv4CanonicalUri(path)}\n\ncontent-length:${length}\ncontent-type:${CONTENT_TYPE}\nhost:${host}\n` +
    `x-amz-content-sha256:${frame.sha256}\nx-amz-date:${date}\n${token ? `x-amz-security-token:${token}\n` : ''}\n${signedHeaders}\n${frame.sha256}`;
  const signature = sigv4Signature(sigv4SigningKey(credentials.secretAccessKey, day, region, 'execute-api'), date, scope, canonicalRequest);
  return {
    host,
    'content-length': length,
    'content-type': CONTENT_TYPE,
    'x-amz-content-sha256': frame.sha256,
    'x-amz-date': date,
    ...(token ? { 'x-amz-security-token': token } : {}),
    authorization: `${SIGV4_ALGORITHM} Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
  };
}

/**
 * PostToConnection as one SigV4-signed request over a keep-alive pool, without the SDK client's
 * middleware stack: what bounds a fan-out worker is CPU per post (bench:fanout measures both).
 * A post is the one request shape, so it is signed with the lean SigV4 parts in chat-core
 * (~7 us a signature): the SDK's own signer (~31 us) and aws4 (~15 us alone, ~35 us more CPU
 * per post beside the HTTP work) both build a general request model per signature
 * (bench:fanout --model prints all three), and signed-poster.spec.ts holds every signature to
 * the SDK signer's. It goes out through OriginClient (~30 us of CPU a request against ~90
 * through Node's http client). Errors carry the status the retry rules read (410 gone, 429
 * throttled, 5xx retried) and network errors their Node codes.
 */
export function createSignedPoster(options: {
  endpoint: string;
  region: string;
  maxSockets: number;
  credentials?: () => PosterCredentials;
  /** A post not answered within this long fails (TimeoutError) and is retried by delivery's policy. */
  requestTimeoutMs?: number;
}): ConnectionPoster {
  const url = new URL(options.endpoint);
  const client = new OriginClient({ origin: url, maxSockets: options.maxSockets, requestTimeoutMs: options.requestTimeoutMs ?? 5000 });
  const credentials = options.credentials ?? credentialsFromEnv();
  const basePath = url.pathname.replace(/\/$/, '');
  // A chunk posts one frame to many connections: its bytes and their hash are made once.
  let frame: { data: string; body: Buffer; sha256: string } | undefined;
  const frameOf = (data: string) => {
    if (frame?.data !== data) {
      const body = Buffer.from(data);
      frame = { data, body, sha256: createHash('sha256').update(body).digest('hex') };
    }
    return frame;
  };
  const postOnce = async (connectionId: string, data: string): Promise<void> => {
    const { body, sha256 } = frameOf(data);
    const path = `${basePath}/@connections/${encodeURIComponent(connectionId)}`;
    const headers = signPost(url.host, path, options.region, { body, sha256 }, credentials());
    const { status, body: answer } = await client.request('POST', path, headers, body);
    if (status >= 200 && status < 300) return;
    throw new ManagementApiError(
      status,
      NAMES[status] ?? (status >= 500 ? 'InternalServerError' : 'BadRequestException'),
      `@connections answered ${status}: ${answer.toString('utf8', 0, 300)}`,
    );
  };
  return { post: (connectionId, data) => signedAwsRequest('execute-api:ManageConnections', () => postOnce(connectionId, data)) };
}
