import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpRequest } from '@smithy/core/protocols';
import { Hash } from '@smithy/core/serde';
import { SignatureV4 } from '@smithy/signature-v4';
import fc from 'fast-check';
import { createSignedPoster } from './signed-poster';

/**
 * The poster signs with its own lean SigV4, not the SDK: every request it sends must carry the
 * signature the SDK's own signer (the one AWS's clients use) computes for the same request,
 * headers and date, and sign every header the SDK would sign.
 */
const credentials = { accessKeyId: 'AKIDPOSTERTEST00', secretAccessKey: 'poster-secret-for-the-signature-tests' };

interface Captured {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

let server: Server;
let captured: Captured[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      captured.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** What the SDK's signer makes of the request as it arrived, over the headers it lists as signed. */
async function sdkSignature(request: Captured, sessionToken?: string): Promise<string> {
  const authorization = String(request.headers.authorization);
  const signedNames = /SignedHeaders=([^,]+)/.exec(authorization)?.[1]?.split(';') ?? [];
  const headers = Object.fromEntries(signedNames.map((name) => [name, String(request.headers[name])]));
  const stamp = String(request.headers['x-amz-date']);
  const signingDate = new Date(
    `${stamp.slice(0, 4)}-${stamp.slice(4, 6)}-${stamp.slice(6, 8)}T${stamp.slice(9, 11)}:${stamp.slice(11, 13)}:${stamp.slice(13, 15)}Z`,
  );
  const signer = new SignatureV4({
    credentials: { ...credentials, sessionToken },
    region: 'eu-west-1',
    service: 'execute-api',
    sha256: Hash.bind(null, 'sha256'),
    uriEscapePath: true,
  });
  const signed = await signer.sign(
    new HttpRequest({ method: request.method, protocol: 'http:', hostname: '127.0.0.1', path: request.url, headers, body: request.body }),
    { signingDate, signableHeaders: new Set(signedNames) },
  );
  return String(signed.headers['authorization']);
}

describe('createSignedPoster', () => {
  it("signs every post as the SDK's signer would, for any connection id, frame and session token", async () => {
    const port = (server.address() as AddressInfo).port;
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 1, maxLength: 32, unit: 'binary-ascii' }),
        fc.array(fc.string({ maxLength: 200, unit: 'grapheme' }), { minLength: 1, maxLength: 3 }),
        fc.option(fc.base64String({ minLength: 4, maxLength: 40 }), { nil: undefined }),
        async (connectionId, frames, sessionToken) => {
          captured = [];
          const poster = createSignedPoster({
            endpoint: `http://127.0.0.1:${port}/prod`,
            region: 'eu-west-1',
            maxSockets: 2,
            credentials: () => ({ ...credentials, ...(sessionToken ? { sessionToken } : {}) }),
          });
          // Frames alternate as chunks of different messages do in one worker.
          for (const frame of [...frames, ...frames]) await poster.post(connectionId, frame);
          expect(captured).toHaveLength(frames.length * 2);
          for (const [i, request] of captured.entries()) {
            expect(request.url).toBe(`/prod/@connections/${encodeURIComponent(connectionId)}`);
            expect(request.body.toString('utf8')).toBe(frames[i % frames.length]);
            // The SDK's signer takes a payload hash header as given: check it against the body here.
            expect(request.headers['x-amz-content-sha256']).toBe(createHash('sha256').update(request.body).digest('hex'));
            expect(request.headers.authorization).toBe(await sdkSignature(request, sessionToken));
            // Nothing the SDK would sign travels unsigned (Node adds only connection, which is unsignable).
            const signed = /SignedHeaders=([^,]+)/.exec(String(request.headers.authorization))?.[1]?.split(';');
            const sent = Object.keys(request.headers).filter((name) => !['authorization', 'connection'].includes(name));
            expect(signed).toEqual([...sent].sort());
            expect(request.headers['x-amz-security-token']).toBe(sessionToken);
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});
