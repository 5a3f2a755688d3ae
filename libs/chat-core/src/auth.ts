import { jwtVerify, SignJWT, errors as joseErrors } from 'jose';
import { ChatError } from './errors';
import { checkUserId, cleanDisplayName } from './identity';

export interface Identity {
  userId: string;
  name: string;
  /** e.g. "artist": who may broadcast. Empty for ordinary users. */
  roles?: string[];
}

export interface TokenSettings {
  /** HMAC secret shared with the token issuer (at least 32 bytes). */
  secret: string;
  issuer: string;
  audience: string;
}

const ALGORITHM = 'HS256';

function keyOf(settings: TokenSettings): Uint8Array {
  const key = new TextEncoder().encode(settings.secret);
  if (key.length < 32) {
    throw new Error('token secret must be at least 32 bytes for HS256');
  }
  return key;
}

/**
 * Verifies a signed JWT and returns the caller's identity. The identity is only ever taken
 * from here, never from message bodies.
 */
export async function verifyToken(token: string | undefined, settings: TokenSettings): Promise<Identity> {
  if (!token) throw new ChatError('unauthorized', 'missing token');
  try {
    const { payload } = await jwtVerify(token, keyOf(settings), {
      algorithms: [ALGORITHM],
      issuer: settings.issuer,
      audience: settings.audience,
      requiredClaims: ['sub', 'exp'],
    });
    const userId = checkUserId(payload.sub);
    const claimed = payload['roles'];
    const roles = Array.isArray(claimed) ? claimed.filter((r): r is string => typeof r === 'string' && r.length <= 32) : [];
    return { userId, name: cleanDisplayName(payload['name'], userId), ...(roles.length ? { roles } : {}) };
  } catch (error) {
    if (error instanceof joseErrors.JOSEError) {
      throw new ChatError('unauthorized', `invalid token: ${error.code}`);
    }
    throw error;
  }
}

/** Issues a token; used by the local runtime's seeding and by tests, never by the Lambdas. */
export async function signToken(identity: Identity, settings: TokenSettings, expiresIn: string | number = '12h'): Promise<string> {
  return new SignJWT({ name: identity.name, ...(identity.roles?.length ? { roles: identity.roles } : {}) })
    .setProtectedHeader({ alg: ALGORITHM })
    .setSubject(identity.userId)
    .setIssuer(settings.issuer)
    .setAudience(settings.audience)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(keyOf(settings));
}
