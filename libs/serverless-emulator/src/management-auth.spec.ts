import { createHash } from 'node:crypto';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpRequest } from '@smithy/core/protocols';
import { Hash } from '@smithy/core/serde';
import { SignatureV4 } from '@smithy/signature-v4';
import { sign } from 'aws4';
import fc from 'fast-check';
import { verifyManagementSignature } from './management-auth';

const credentials = { accessKeyId: 'AKIDLOCALTEST000', secretAccessKey: 'local-secret-for-the-signature-tests' };
const BASE = '/local/@connections/';

interface Signed {
  path: string;
  headers: Record<string, string>;
  body: string;
}

/** What an SDK client sends (smithy's signer, as ApiGatewayManagementApiClient and SQSClient sign). */
async function sdkSigned(
  path: string,
  body: string,
  options: { secret?: string; sessionToken?: string; service?: string; date?: Date; region?: string; query?: Record<string, string> } = {},
): Promise<Signed> {
  const signer = new SignatureV4({
    credentials: { ...credentials, secretAccessKey: options.secret ?? credentials.secretAccessKey, sessionToken: options.sessionToken },
    region: options.region ?? 'us-east-1',
    service: options.service ?? 'execute-api',
    sha256: Hash.bind(null, 'sha256'),
    uriEscapePath: true,
  });
  const signed = await signer.sign(
    new HttpRequest({
      method: 'POST',
      protocol: 'http:',
      hostname: '127.0.0.1',
      port: port(),
      path,
      query: options.query ?? {},
      headers: { host: `127.0.0.1:${port()}`, 'content-type': 'application/octet-stream', 'content-length': String(Buffer.byteLength(body)) },
      body,
    }),
    options.date ? { signingDate: options.date } : undefined,
  );
  const query = new URLSearchParams(options.query ?? {}).toString().replace(/\+/g, '%20');
  return { path: query ? `${path}?${query}` : path, headers: signed.headers, body };
}

/**
 * What the deployed poster sends (libs/chat-handlers signed-poster.ts signs with aws4, the
 * payload hash as a header); without the header, what a plain aws4 caller sends.
 */
function posterSigned(path: string, body: string, sessionToken?: string, hashHeader = true): Signed {
  const signed = sign(
    {
      host: `127.0.0.1:${port()}`,
      path,
      method: 'POST',
      service: 'execute-api',
      region: 'us-east-1',
      body,
      headers: {
        'content-type': 'application/octet-stream',
        'content-length': String(Buffer.byteLength(body)),
        ...(hashHeader ? { 'X-Amz-Content-Sha256': createHash('sha256').update(body).digest('hex') } : {}),
      },
    },
    { ...credentials, sessionToken },
  );
  return { path, headers: signed.headers as Record<string, string>, body };
}

let server: Server;
const port = () => (server.address() as AddressInfo).port;

/** Sends the request over real HTTP to a server that only runs the check; answers its verdict. */
function verdict({ path, headers, body }: Signed): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: port(), method: 'POST', path, headers }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      res.on('end', () => (res.statusCode === 200 ? resolve((JSON.parse(text) as { refused: string | null }).refused) : reject(new Error(text))));
    });
    req.on('error', reject);
    req.end(body);
  });
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      verifyManagementSignature(req, Buffer.concat(chunks), { credentials, region: 'us-east-1', service: 'execute-api' }).then(
        (refused) => res.end(JSON.stringify({ refused: refused ?? null })),
        (error: unknown) => res.writeHead(500).end(String(error)),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

// API Gateway connection ids are base64-ish ("AbC1dEfGhIjKLmN="); the property goes wider.
const connectionIds = fc.string({ minLength: 1, maxLength: 32, unit: 'binary-ascii' });
const bodies = fc.string({ maxLength: 200, unit: 'grapheme' });
const tokens = fc.option(fc.base64String({ minLength: 4, maxLength: 40 }), { nil: undefined });

describe('verifyManagementSignature', () => {
  it('accepts what an SDK client signs, for any connection id, body and session token', async () => {
    await fc.assert(
      fc.asyncProperty(connectionIds, bodies, tokens, async (id, body, sessionToken) => {
        expect(await verdict(await sdkSigned(BASE + encodeURIComponent(id), body, { sessionToken }))).toBeNull();
      }),
      { numRuns: 60 },
    );
  });

  it('accepts a signed query string, whatever its names, values and order', async () => {
    const queries = fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.string({ maxLength: 12 }), { maxKeys: 4 });
    await fc.assert(
      fc.asyncProperty(connectionIds, queries, async (id, query) => {
        expect(await verdict(await sdkSigned(BASE + encodeURIComponent(id), 'x', { query }))).toBeNull();
      }),
      { numRuns: 60 },
    );
  });

  it("accepts what the deployed poster's signer signs: its canonical form agrees with the SDK's", async () => {
    await fc.assert(
      fc.asyncProperty(connectionIds, bodies, tokens, fc.boolean(), async (id, body, sessionToken, hashHeader) => {
        expect(await verdict(posterSigned(BASE + encodeURIComponent(id), body, sessionToken, hashHeader))).toBeNull();
      }),
      { numRuns: 60 },
    );
    // A signer may sign headers aws4 would skip by default (user-agent): the check signs what was
    // listed, with runs of whitespace in a value folded to one space as both signers fold them.
    const request = {
      host: `127.0.0.1:${port()}`,
      path: `${BASE}abc`,
      service: 'execute-api',
      region: 'us-east-1',
      body: 'x',
      headers: { 'user-agent': 'relay-test/1  (two  spaces\tand a tab)' },
      extraHeadersToInclude: { 'user-agent': true },
    };
    const withAgent = sign(request, credentials);
    expect(withAgent.headers?.['Authorization']).toContain('user-agent');
    expect(await verdict({ path: request.path, headers: withAgent.headers as Record<string, string>, body: 'x' })).toBeNull();
  });

  it('refuses any request changed after signing, signed with another secret, for another service, or out of its window', async () => {
    const tampered: Record<string, (s: Signed) => Signed> = {
      body: (s) => ({ ...s, body: `${s.body}!`, headers: { ...s.headers, 'content-length': String(Buffer.byteLength(s.body) + 1) } }),
      path: (s) => ({ ...s, path: `${s.path}x` }),
      query: (s) => ({ ...s, path: `${s.path}${s.path.includes('?') ? '&' : '?'}appended=1` }),
      'signed header': (s) => ({ ...s, headers: { ...s.headers, 'content-type': 'text/plain' } }),
      date: (s) => {
        const key = Object.keys(s.headers).find((h) => h.toLowerCase() === 'x-amz-date') ?? 'x-amz-date';
        const stamp = s.headers[key] ?? '';
        const bumped = stamp.replace(/(\d)Z$/, (_, d: string) => `${(Number(d) + 1) % 10}Z`);
        return { ...s, headers: { ...s.headers, [key]: bumped } };
      },
    };
    await fc.assert(
      fc.asyncProperty(
        connectionIds,
        bodies,
        fc.constantFrom(...Object.keys(tampered)),
        fc.constantFrom('sdk', 'poster', 'aws4'),
        async (id, body, change, signer) => {
          const path = BASE + encodeURIComponent(id);
          const signed = signer === 'sdk' ? await sdkSigned(path, body) : posterSigned(path, body, undefined, signer === 'poster');
          expect(await verdict(tampered[change]!(signed))).not.toBeNull();
        },
      ),
      { numRuns: 80 },
    );
    expect(await verdict(await sdkSigned(`${BASE}abc`, 'x', { secret: 'another-secret' }))).toBe('signature does not match');
    expect(await verdict(await sdkSigned(`${BASE}abc`, 'x', { service: 'sqs' }))).toBe('signed for sqs, not execute-api');
    expect(await verdict(await sdkSigned(`${BASE}abc`, 'x', { region: 'ap-northeast-2' }))).toBe('signed for region ap-northeast-2, not us-east-1');
    const withQuery = await sdkSigned(`${BASE}abc`, 'x', { query: { b: '2', a: '1' } });
    expect(await verdict({ ...withQuery, path: withQuery.path.replace('b=2', 'b=3') })).toBe('signature does not match');
    const stale = await sdkSigned(`${BASE}abc`, 'x', { date: new Date(Date.now() - 20 * 60 * 1000) });
    expect(await verdict(stale)).toBe('signature expired or from the future');
    // A body swapped for one of the same length (content-length, a signed header, unchanged).
    const swap = (signed: Signed): Signed => ({ ...signed, body: 'jello' });
    expect(await verdict(swap(await sdkSigned(`${BASE}abc`, 'hello')))).toBe('x-amz-content-sha256 does not match the body');
    expect(await verdict(swap(posterSigned(`${BASE}abc`, 'hello')))).toBe('x-amz-content-sha256 does not match the body');
    expect(await verdict(swap(posterSigned(`${BASE}abc`, 'hello', undefined, false)))).toBe('signature does not match');
    const unsigned = posterSigned(`${BASE}abc`, 'x');
    expect(await verdict({ ...unsigned, headers: { ...unsigned.headers, Authorization: '' } })).toBe('missing or malformed SigV4 Authorization header');
  });
});
