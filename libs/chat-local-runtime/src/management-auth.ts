import { createHmac, createSecretKey, hash, timingSafeEqual, type KeyObject } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export interface ManagementCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

const AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([a-z0-9-]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
/** AWS refuses signatures more than 15 minutes off; so do we. */
const MAX_SKEW_MS = 15 * 60 * 1000;

// Derived signing keys per secret, day, region and service: four HMACs each, which were most
// of the cost of a check when every check derived its own. Kept as KeyObjects, which an HMAC
// takes without copying and preparing the key again.
const signingKeys = new Map<string, KeyObject>();
function signingKey(secret: string, day: string, region: string, service: string): KeyObject {
  const cacheKey = `${secret}/${day}/${region}/${service}`;
  let key = signingKeys.get(cacheKey);
  if (!key) {
    if (signingKeys.size >= 64) signingKeys.clear();
    const hmac = (k: string | Buffer, data: string) => createHmac('sha256', k).update(data).digest();
    key = createSecretKey(hmac(hmac(hmac(hmac(`AWS4${secret}`, day), region), service), 'aws4_request'));
    signingKeys.set(cacheKey, key);
  }
  return key;
}

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
/** SigV4 trims a header value and folds runs of whitespace to one space. */
const FOLDABLE = /\s{2,}|[\t\r\n]/;
function canonicalValue(value: string | string[]): string {
  const text = (Array.isArray(value) ? value.join(',') : value).trim();
  return FOLDABLE.test(text) ? text.replace(/\s+/g, ' ') : text;
}

/** RFC 3986 escaping of one path segment, as SigV4 does it (the SDK's escapeUri). */
const RESERVED = /[!'()*]/;
function escapeSegment(segment: string): string {
  const escaped = encodeURIComponent(segment);
  return RESERVED.test(escaped) ? escaped.replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`) : escaped;
}

/**
 * SigV4's canonical URI for every service but S3: dot segments resolved, empty segments
 * dropped, each segment escaped again (the path on the wire is escaped once already).
 */
function canonicalPath(path: string): string {
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(escapeSegment(segment));
  }
  const trailing = segments.length > 0 && path.endsWith('/') ? '/' : '';
  return `/${segments.join('/')}${trailing}`;
}

/**
 * On AWS the @connections API is IAM-protected: only SigV4-signed calls from principals with
 * execute-api:ManageConnections get through. Locally it shares the clients' port, so it checks
 * the same thing: the request must carry a SigV4 signature made with the runtime's credentials,
 * which this recomputes over exactly the headers the request says it signed and compares in
 * constant time. It is written out here (the SDK's signer costs 3-4x as much per check, and
 * this runs once per delivered message); management-auth.spec.ts holds it to what the SDK's
 * signer and the deployed poster's signer (aws4) produce, for any connection id and body.
 * Returns the reason a request is refused, or undefined when it is authentic.
 */
export async function verifyManagementSignature(
  req: IncomingMessage,
  path: string,
  body: Buffer,
  credentials: ManagementCredentials,
  now = Date.now(),
  /** The signing name of the API: execute-api for @connections, sqs for the local queue. */
  service = 'execute-api',
): Promise<string | undefined> {
  const match = AUTHORIZATION.exec(req.headers.authorization ?? '');
  if (!match) return 'missing or malformed SigV4 Authorization header';
  const [, accessKeyId, scopeDate, region = '', scopeService, signedHeaderList = '', signature = ''] = match;
  if (scopeService !== service) return `signed for ${scopeService}, not ${service}`;
  if (accessKeyId !== credentials.accessKeyId) return 'unknown access key';
  const amzDate = req.headers['x-amz-date'];
  const signedAt = typeof amzDate === 'string' && amzDate.startsWith(scopeDate ?? '') ? signingTime(amzDate) : undefined;
  if (typeof amzDate !== 'string' || signedAt === undefined) return 'missing or malformed X-Amz-Date';
  if (Math.abs(now - signedAt) > MAX_SKEW_MS) return 'signature expired or from the future';

  // The signer trusts a payload hash header as given (S3 style); AWS checks it against the body.
  const declaredHash = req.headers['x-amz-content-sha256'];
  const payloadHash = bodyHash(body);
  if (declaredHash !== undefined && declaredHash !== payloadHash) return 'x-amz-content-sha256 does not match the body';
  const names = sortedNames(signedHeaderList);
  if (!names.includes('host')) return 'the host header must be signed';
  // SigV4 canonical request: no query (the routes here take none), the listed headers sorted.
  let canonicalHeaders = '';
  for (const name of names) {
    const value = req.headers[name];
    if (value === undefined) return `signed header ${name} is missing`;
    canonicalHeaders += `${name}:${canonicalValue(value)}\n`;
  }
  const canonicalRequest = `${req.method ?? 'GET'}\n${canonicalPath(path)}\n\n${canonicalHeaders}\n${names.join(';')}\n${payloadHash}`;
  const scope = `${scopeDate}/${region}/${service}/aws4_request`;
  const stringToSign = `AWS4-HMAC-SHA256\n${amzDate}\n${scope}\n${hash('sha256', canonicalRequest, 'hex')}`;
  const recomputed = createHmac('sha256', signingKey(credentials.secretAccessKey, scopeDate ?? '', region, service))
    .update(stringToSign)
    .digest();
  const claimed = Buffer.from(signature, 'hex');
  const ok = claimed.length === recomputed.length && timingSafeEqual(recomputed, claimed);
  return ok ? undefined : 'signature does not match';
}
