import { createHmac, createSecretKey, hash, type KeyObject } from 'node:crypto';

/**
 * The parts of AWS Signature Version 4 that both ends of the @connections hop compute: the
 * deployed poster signs each post with them, the local gateway checks each post with them.
 * Every post is one signature, so they avoid the per-call objects of a general signer; the
 * poster's and the gateway's specs hold them to the SDK's own signer (@smithy/signature-v4).
 */
export const SIGV4_ALGORITHM = 'AWS4-HMAC-SHA256';

// Derived signing keys per secret, day, region and service: four HMACs each. Kept as
// KeyObjects, which an HMAC takes without preparing the key again.
const signingKeys = new Map<string, KeyObject>();

export function sigv4SigningKey(secret: string, day: string, region: string, service: string): KeyObject {
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

/** The credential scope: day (YYYYMMDD), region, service. */
export function sigv4Scope(day: string, region: string, service: string): string {
  return `${day}/${region}/${service}/aws4_request`;
}

const RESERVED = /[!'()*]/;

/** RFC 3986 escaping of one path segment, as the SDK's escapeUri does it. */
function escapeSegment(segment: string): string {
  const escaped = encodeURIComponent(segment);
  return RESERVED.test(escaped) ? escaped.replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`) : escaped;
}

/**
 * The canonical URI of every service but S3: dot segments resolved, empty segments dropped,
 * each segment escaped again (the path on the wire is escaped once already).
 */
export function sigv4CanonicalUri(path: string): string {
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(escapeSegment(segment));
  }
  const trailing = segments.length > 0 && path.endsWith('/') ? '/' : '';
  return `/${segments.join('/')}${trailing}`;
}

/** A query component as the signer escapes it: decoded once (leniently), then RFC 3986 escaped. */
function escapeQueryPart(raw: string): string {
  let decoded = raw;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    // A malformed escape is signed as sent, escaped; a signer that sent it signed the same.
  }
  return escapeSegment(decoded);
}

/**
 * The canonical query string: every parameter escaped, sorted by name then value, a bare
 * name signed with an empty value. AWS signs the query, so a verifier that ignored it would
 * accept a signed request with parameters appended.
 */
export function sigv4CanonicalQuery(query: string): string {
  if (query === '') return '';
  const pairs: [string, string][] = [];
  for (const part of query.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = eq < 0 ? part : part.slice(0, eq);
    const value = eq < 0 ? '' : part.slice(eq + 1);
    pairs.push([escapeQueryPart(name), escapeQueryPart(value)]);
  }
  pairs.sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  return pairs.map(([name, value]) => `${name}=${value}`).join('&');
}

const FOLDABLE = /\s{2,}|[\t\r\n]/;

/** A header value as signed: trimmed, runs of whitespace folded to one space. */
export function sigv4HeaderValue(value: string | string[]): string {
  const text = (Array.isArray(value) ? value.join(',') : value).trim();
  return FOLDABLE.test(text) ? text.replace(/\s+/g, ' ') : text;
}

/** The hex signature of a canonical request (built by the caller) made at amzDate within scope. */
export function sigv4Signature(key: KeyObject, amzDate: string, scope: string, canonicalRequest: string): string {
  const stringToSign = `${SIGV4_ALGORITHM}\n${amzDate}\n${scope}\n${hash('sha256', canonicalRequest, 'hex')}`;
  return createHmac('sha256', key).update(stringToSign).digest('hex');
}
