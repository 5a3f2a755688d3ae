import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
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
// of the cost of a check when every check derived its own.
const signingKeys = new Map<string, Buffer>();
function signingKey(secret: string, day: string, region: string, service: string): Buffer {
  const cacheKey = `${secret}/${day}/${region}/${service}`;
  let key = signingKeys.get(cacheKey);
  if (!key) {
    if (signingKeys.size >= 64) signingKeys.clear();
    const hmac = (k: string | Buffer, data: string) => createHmac('sha256', k).update(data).digest();
    key = hmac(hmac(hmac(hmac(`AWS4${secret}`, day), region), service), 'aws4_request');
    signingKeys.set(cacheKey, key);
  }
  return key;
}

/** RFC 3986 escaping of one path segment, as SigV4 does it (the SDK's escapeUri). */
function escapeSegment(segment: string): string {
  return encodeURIComponent(segment).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
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
  const parts = typeof amzDate === 'string' ? AMZ_DATE.exec(amzDate) : null;
  if (typeof amzDate !== 'string' || !parts || amzDate.slice(0, 8) !== scopeDate) return 'missing or malformed X-Amz-Date';
  const [y = 0, mo = 1, d = 0, h = 0, mi = 0, s = 0] = parts.slice(1).map(Number);
  const signingDate = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  if (Math.abs(now - signingDate.getTime()) > MAX_SKEW_MS) return 'signature expired or from the future';

  // The signer trusts a payload hash header as given (S3 style); AWS checks it against the body.
  const declaredHash = req.headers['x-amz-content-sha256'];
  if (declaredHash !== undefined && declaredHash !== createHash('sha256').update(body).digest('hex')) {
    return 'x-amz-content-sha256 does not match the body';
  }
  const signedHeaders = signedHeaderList.split(';');
  if (!signedHeaders.includes('host')) return 'the host header must be signed';
  const headers: Record<string, string> = {};
  for (const name of signedHeaders) {
    const value = req.headers[name];
    if (value === undefined) return `signed header ${name} is missing`;
    headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  // SigV4 canonical request: no query (the routes here take none), the listed headers sorted.
  const names = Object.keys(headers).sort();
  const canonicalHeaders = names.map((name) => `${name}:${(headers[name] ?? '').trim().replace(/\s+/g, ' ')}\n`).join('');
  const payloadHash = typeof declaredHash === 'string' ? declaredHash : createHash('sha256').update(body).digest('hex');
  const canonicalRequest = `${req.method ?? 'GET'}\n${canonicalPath(path)}\n\n${canonicalHeaders}\n${names.join(';')}\n${payloadHash}`;
  const scope = `${scopeDate}/${region}/${service}/aws4_request`;
  const stringToSign = `AWS4-HMAC-SHA256\n${amzDate}\n${scope}\n${createHash('sha256').update(canonicalRequest).digest('hex')}`;
  const recomputed = createHmac('sha256', signingKey(credentials.secretAccessKey, scopeDate ?? '', region, service))
    .update(stringToSign)
    .digest('hex');
  const ok = recomputed.length === signature.length && timingSafeEqual(Buffer.from(recomputed), Buffer.from(signature));
  return ok ? undefined : 'signature does not match';
}
