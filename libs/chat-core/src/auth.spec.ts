import { SignJWT } from 'jose';
import { signToken, verifyToken } from './auth';
import { ChatError } from './errors';

const settings = { secret: 's'.repeat(40), issuer: 'relay-test', audience: 'relay-chat' };

async function rejection(promise: Promise<unknown>): Promise<ChatError> {
  try {
    await promise;
  } catch (error) {
    return error as ChatError;
  }
  throw new Error('expected a rejection');
}

describe('verifyToken', () => {
  it('returns the identity of a token signed with the shared secret', async () => {
    const token = await signToken({ userId: 'u-1', name: 'Ada' }, settings);
    await expect(verifyToken(token, settings)).resolves.toEqual({ userId: 'u-1', name: 'Ada' });
  });

  it('carries roles, and only well-formed ones', async () => {
    const token = await signToken({ userId: 'a-1', name: 'Artist', roles: ['artist'] }, settings);
    await expect(verifyToken(token, settings)).resolves.toEqual({ userId: 'a-1', name: 'Artist', roles: ['artist'] });
  });

  it.each([
    ['missing', undefined, 'missing token'],
    ['garbage', 'abc.def.ghi', 'invalid token'],
  ])('rejects a %s token as unauthorized', async (_label, token, message) => {
    const error = await rejection(verifyToken(token, settings));
    expect(error).toMatchObject({ code: 'unauthorized', status: 401 });
    expect(error.message).toContain(message);
  });

  it('rejects tokens from another secret, issuer or audience, and expired ones', async () => {
    const cases = [
      await signToken({ userId: 'u', name: 'u' }, { ...settings, secret: 'x'.repeat(40) }),
      await signToken({ userId: 'u', name: 'u' }, { ...settings, issuer: 'elsewhere' }),
      await signToken({ userId: 'u', name: 'u' }, { ...settings, audience: 'other-app' }),
      await signToken({ userId: 'u', name: 'u' }, settings, Math.floor(Date.now() / 1000) - 60),
    ];
    for (const token of cases) {
      expect(await rejection(verifyToken(token, settings))).toMatchObject({ code: 'unauthorized' });
    }
  });

  it('rejects a token without an expiry', async () => {
    const key = new TextEncoder().encode(settings.secret);
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('u')
      .setIssuer(settings.issuer)
      .setAudience(settings.audience)
      .sign(key);
    expect(await rejection(verifyToken(token, settings))).toMatchObject({ code: 'unauthorized' });
  });

  it.each([
    ['an empty', ''],
    ['an oversized', 'u'.repeat(129)],
  ])('refuses %s subject, so no message is ever stored for a sender nobody can be', async (_label, sub) => {
    const key = new TextEncoder().encode(settings.secret);
    const token = await new SignJWT({ name: 'x' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(sub)
      .setIssuer(settings.issuer)
      .setAudience(settings.audience)
      .setExpirationTime('1h')
      .sign(key);
    expect(await rejection(verifyToken(token, settings))).toMatchObject({ code: 'unauthorized', status: 401 });
  });

  it('cuts a long display name without splitting an emoji', async () => {
    const token = await signToken({ userId: 'u', name: `${'n'.repeat(63)}\u{1F600}` }, settings);
    expect((await verifyToken(token, settings)).name).toBe('n'.repeat(63));
  });

  it('refuses a secret too short for HS256', async () => {
    await expect(verifyToken('a.b.c', { ...settings, secret: 'short' })).rejects.toThrow('at least 32 bytes');
  });
});
