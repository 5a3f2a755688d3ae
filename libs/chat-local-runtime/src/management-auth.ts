import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { HttpRequest } from '@smithy/core/protocols';
import { Hash } from '@smithy/core/serde';
import { SignatureV4 } from '@smithy/signature-v4';

export interface ManagementCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

const AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([a-z0-9-]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
/** AWS refuses signatures more than 15 minutes off; so do we. */
const MAX_SKEW_MS = 15 * 60 * 1000;

// One signer per key, region and service: a signer caches its derived signing key (four HMACs
// per day and scope), which is most of the cost of checking a signature.
const signers = new Map<string, SignatureV4>();
function signerFor(credentials: ManagementCredentials, region: string, service: string): SignatureV4 {
  const key = `${credentials.accessKeyId}/${credentials.secretAccessKey}/${region}/${service}`;
  let signer = signers.get(key);
  if (!signer) {
    if (signers.size >= 64) signers.clear();
    signer = new SignatureV4({ credentials, region, service, sha256: Hash.bind(null, 'sha256'), uriEscapePath: true });
    signers.set(key, signer);
  }
  return signer;
}

/**
 * On AWS the @connections API is IAM-protected: only SigV4-signed calls from principals with
 * execute-api:ManageConnections get through. Locally it shares the clients' port, so it checks
 * the same thing: the request must carry a SigV4 signature made with the runtime's credentials,
 * which this recomputes with the SDK's own signer and compares in constant time.
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
  if (!parts || amzDate?.slice(0, 8) !== scopeDate) return 'missing or malformed X-Amz-Date';
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
  const signer = signerFor(credentials, region, service);
  const expected = await signer.sign(new HttpRequest({ method: req.method, protocol: 'http:', hostname: '127.0.0.1', path, headers, body }), {
    signingDate,
    signableHeaders: new Set(signedHeaders),
  });
  const recomputed = /Signature=([0-9a-f]{64})/.exec(String(expected.headers['authorization']))?.[1] ?? '';
  const ok = recomputed.length === signature.length && timingSafeEqual(Buffer.from(recomputed), Buffer.from(signature));
  return ok ? undefined : 'signature does not match';
}
