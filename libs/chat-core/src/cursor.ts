import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { ChatError } from './errors';

export type CursorKey = Record<string, string | number>;

/** What a cursor pages: each kind is its own namespace, so one cannot be replayed as another. */
export type CursorKind = 'history' | 'members' | 'followers';

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + IV_BYTES + TAG_BYTES;
/** base64url of the largest cursor we mint stays well under the schemas' 2048 characters. */
const MAX_PLAINTEXT_BYTES = 1024;

function invalid(): ChatError {
  return new ChatError('invalid_request', 'cursor is not valid for this request');
}

/**
 * Opaque, tamper-evident pagination cursors: the DynamoDB LastEvaluatedKey sealed with AES-256-GCM
 * under a server key. A client learns nothing from a cursor (a members page never reveals other
 * members' connection ids) and cannot alter one: the authentication tag covers the key and the
 * additional data binds it to its kind and partition (room or artist), so a cursor minted for
 * one room's history is refused for another room, for members, or for followers. Every failure is
 * the same `invalid_request`, never a storage error.
 */
export class CursorCodec {
  private readonly key: Buffer;

  constructor(secret: string) {
    if (Buffer.byteLength(secret) < 32) throw new Error('cursor secret must be at least 32 bytes');
    this.key = Buffer.from(hkdfSync('sha256', secret, 'relay', 'relay-cursor-v1', 32));
  }

  encode(kind: CursorKind, partition: string, key: CursorKey | undefined): string | null {
    if (!key) return null;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(additionalData(kind, partition));
    const sealed = Buffer.concat([cipher.update(JSON.stringify(key), 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), sealed]).toString('base64url');
  }

  /** The start key for the next page, or undefined for the first page. */
  decode(kind: CursorKind, partition: string, partitionAttribute: string, cursor: string | undefined): CursorKey | undefined {
    if (cursor === undefined) return undefined;
    if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid();
    const raw = Buffer.from(cursor, 'base64url');
    if (raw.length <= HEADER_BYTES || raw.length > HEADER_BYTES + MAX_PLAINTEXT_BYTES || raw[0] !== VERSION) throw invalid();
    let plain: string;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(1, 1 + IV_BYTES));
      decipher.setAAD(additionalData(kind, partition));
      decipher.setAuthTag(raw.subarray(1 + IV_BYTES, HEADER_BYTES));
      plain = Buffer.concat([decipher.update(raw.subarray(HEADER_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      throw invalid();
    }
    // Authentic means we minted it; the shape check guards against a key from an older layout.
    const key: unknown = JSON.parse(plain);
    const valid =
      key !== null &&
      typeof key === 'object' &&
      !Array.isArray(key) &&
      Object.values(key).every((v) => typeof v === 'string' || typeof v === 'number') &&
      (key as CursorKey)[partitionAttribute] === partition;
    if (!valid) throw invalid();
    return key as CursorKey;
  }
}

function additionalData(kind: CursorKind, partition: string): Buffer {
  return Buffer.from(`relay-cursor\u0000${VERSION}\u0000${kind}\u0000${partition}`, 'utf8');
}
