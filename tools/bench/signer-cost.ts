import { createHash } from 'node:crypto';
import { HttpRequest } from '@smithy/core/protocols';
import { Hash } from '@smithy/core/serde';
import { SignatureV4 } from '@smithy/signature-v4';
import { sign } from 'aws4';
import { signPost } from '@relay/chat-handlers';

const ROUNDS = 20_000;

/**
 * CPU per SigV4 signature of one @connections post: the SDK's own signer (smithy, as the SDK
 * client signs) and aws4 (what the poster signed with before) beside the poster's own signPost
 * (the frame's payload hash made once per chunk in each). Microseconds, median of three rounds.
 */
export async function measureSignerCost(): Promise<{ sdkUs: number; aws4Us: number; posterUs: number }> {
  const credentials = { accessKeyId: 'AKIDBENCH0000000', secretAccessKey: 'bench-secret-bench-secret-bench-secret' };
  const body = Buffer.from(JSON.stringify({ type: 'message', roomId: 'artist-a', seq: 42, body: 'new drop #42', sentAt: new Date().toISOString() }));
  const sha256 = createHash('sha256').update(body).digest('hex');
  const path = `/prod/@connections/${encodeURIComponent('AbCdEfGhIjKlMn=')}`;
  const host = 'abc123.execute-api.eu-west-1.amazonaws.com';
  const smithy = new SignatureV4({ credentials, region: 'eu-west-1', service: 'execute-api', sha256: Hash.bind(null, 'sha256'), uriEscapePath: true });
  const headers = { host, 'content-type': 'application/octet-stream', 'content-length': String(body.length) };
  const viaSdk = () => smithy.sign(new HttpRequest({ method: 'POST', protocol: 'https:', hostname: host, path, headers, body }));
  const viaAws4 = () =>
    sign(
      {
        host,
        path,
        method: 'POST',
        service: 'execute-api',
        region: 'eu-west-1',
        body,
        headers: { 'content-type': 'application/octet-stream', 'content-length': String(body.length), 'X-Amz-Content-Sha256': sha256 },
      },
      credentials,
    );
  const viaPoster = () => signPost(host, path, 'eu-west-1', { body, sha256 }, credentials);
  const usPer = async (signOnce: () => unknown) => {
    const rounds: number[] = [];
    for (let round = 0; round < 3; round++) {
      const started = process.hrtime.bigint();
      for (let i = 0; i < ROUNDS; i++) await signOnce();
      rounds.push(Number(process.hrtime.bigint() - started) / 1000 / ROUNDS);
    }
    return rounds.sort((a, b) => a - b)[1] ?? 0;
  };
  // Warm each first: JIT, the signing-key caches.
  for (const signOnce of [viaSdk, viaAws4, viaPoster]) await usPer(signOnce);
  return { sdkUs: await usPer(viaSdk), aws4Us: await usPer(viaAws4), posterUs: await usPer(viaPoster) };
}
