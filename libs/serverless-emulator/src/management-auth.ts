import { hash, timingSafeEqual } from 'node:crypto';
import { sigv4CanonicalQuery, sigv4CanonicalUri, sigv4HeaderValue, sigv4Scope, sigv4Signature, sigv4SigningKey } from '@relay/chat-core';

export interface ManagementCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

const AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([a-z0-9-]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
/** AWS refuses signatures more than 15 minutes off; so do we. */
const MAX_SKEW_MS = 15 * 60 * 1000;

// The check runs once per delivered post, and every post in a second carries the same date and
// every post of a message the same body: each is parsed or hashed once, not per post.
let lastDate: { text: string; ms: number } | undefined;
function signingTime(amzDate: string): number | undefined {
  if (lastDate?.text === amzDate) return lastDate.ms;
  const parts = AMZ_DATE.exec(amzDate);
  if (!parts) return undefined;
  const [y = 0, mo = 1, d = 0, h = 0, mi = 0, s = 0] = parts.slice(1).map(Number);
  lastDate = { text: amzDate, ms: Date.UTC(y, mo - 1, d, h, mi, s) };
  return lastDate.ms;
}
let lastBody: { body: Buffer; sha256: string } | undefined;
function bodyHash(body: Buffer): string {
  if (!lastBody || !lastBody.body.equals(body)) lastBody = { body: Buffer.from(body), sha256: hash('sha256', body, 'hex') };
  return lastBody.sha256;
}
/** Each signer lists the same headers on every request: the list is split and sorted once. */
const headerLists = new Map<string, string[]>();
function sortedNames(signedHeaderList: string): string[] {
  let names = headerLists.get(signedHeaderList);
  if (!names) {
    if (headerLists.size >= 64) headerLists.clear();
    names = [...new Set(signedHeaderList.split(';'))].sort();
    headerLists.set(signedHeaderList, names);
  }
  return names;
}

/** What the check reads of a request: Node's IncomingMessage and the lean server's requests both fit. */
export interface SignedRequest {
  method?: string;
  /** The request target as sent: path and query, both of which the signature covers. */
  url?: string;
  headers: Record<string, string | string[] | undefined>;
}

/** What a request must have been signed for: the endpoint's credentials, region and service. */
export interface SigningExpectation {
  credentials: ManagementCredentials;
  /** The region the endpoint serves; AWS refuses a signature scoped to any other. */
  region: string;
  /** The signing name of the API: execute-api for @connections, sqs for the local queue. */
  service: string;
}

/**
 * The body, or only its SHA-256 when it was too large to keep (the lean server hashes an
 * oversized body as it streams past, so a signed oversized post is answered 413, not 403).
 */
export type SignedPayload = Buffer | { sha256: string };

/**
 * On AWS the @connections API is IAM-protected: only SigV4-signed calls from principals with
 * execute-api:ManageConnections get through. Locally any process on the machine can reach it,
 * so it checks the same thing: the request must carry a SigV4 signature made with the
 * runtime's credentials, which this recomputes over exactly the headers the request says it
 * signed and compares in constant time. It runs once per delivered post, so it is built on
 * the same lean SigV4 parts as the poster (@relay/chat-core sigv4: the SDK's signer costs
 * 3-4x as much per check);
 * management-auth.spec.ts holds it to what the SDK's signer, the deployed poster and a plain
 * aws4 caller produce, for any connection id and body.
 * Returns the reason a request is refused, or undefined when it is authentic.
 */
export async function verifyManagementSignature(
  req: SignedRequest,
  payload: SignedPayload,
  expected: SigningExpectation,
  now = Date.now(),
): Promise<string | undefined> {
  const { credentials, service } = expected;
  const match = AUTHORIZATION.exec(String(req.headers['authorization'] ?? ''));
  if (!match) return 'missing or malformed SigV4 Authorization header';
  const [, accessKeyId, scopeDate = '', region = '', scopeService, signedHeaderList = '', signature = ''] = match;
  if (scopeService !== service) return `signed for ${scopeService}, not ${service}`;
  if (region !== expected.region) return `signed for region ${region}, not ${expected.region}`;
  if (accessKeyId !== credentials.accessKeyId) return 'unknown access key';
  const amzDate = req.headers['x-amz-date'];
  const signedAt = typeof amzDate === 'string' && amzDate.startsWith(scopeDate) ? signingTime(amzDate) : undefined;
  if (typeof amzDate !== 'string' || signedAt === undefined) return 'missing or malformed X-Amz-Date';
  if (Math.abs(now - signedAt) > MAX_SKEW_MS) return 'signature expired or from the future';

  // The signer trusts a payload hash header as given (S3 style); AWS checks it against the body.
  const declaredHash = req.headers['x-amz-content-sha256'];
  const payloadHash = Buffer.isBuffer(payload) ? bodyHash(payload) : payload.sha256;
  if (declaredHash !== undefined && declaredHash !== payloadHash) return 'x-amz-content-sha256 does not match the body';
  const names = sortedNames(signedHeaderList);
  if (!names.includes('host')) return 'the host header must be signed';
  // SigV4 canonical request: path, query and the listed headers, sorted.
  let canonicalHeaders = '';
  for (const name of names) {
    const value = req.headers[name];
    if (value === undefined) return `signed header ${name} is missing`;
    canonicalHeaders += `${name}:${sigv4HeaderValue(value)}\n`;
  }
  const target = req.url ?? '/';
  const q = target.indexOf('?');
  const path = q < 0 ? target : target.slice(0, q);
  const query = q < 0 ? '' : sigv4CanonicalQuery(target.slice(q + 1));
  const canonicalRequest = `${req.method ?? 'GET'}\n${sigv4CanonicalUri(path)}\n${query}\n${canonicalHeaders}\n${names.join(';')}\n${payloadHash}`;
  const key = sigv4SigningKey(credentials.secretAccessKey, scopeDate, region, service);
  const recomputed = Buffer.from(sigv4Signature(key, amzDate, sigv4Scope(scopeDate, region, service), canonicalRequest), 'hex');
  const claimed = Buffer.from(signature, 'hex');
  const ok = claimed.length === recomputed.length && timingSafeEqual(recomputed, claimed);
  return ok ? undefined : 'signature does not match';
}
