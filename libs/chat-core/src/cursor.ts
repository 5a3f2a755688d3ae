import { ChatError } from './errors';

type Key = Record<string, string | number>;

/** Opaque pagination cursor: the DynamoDB LastEvaluatedKey, base64url encoded. */
export function encodeCursor(key: Key | undefined): string | null {
  return key ? Buffer.from(JSON.stringify(key), 'utf8').toString('base64url') : null;
}

/**
 * Decodes a cursor and checks it belongs to the partition being paged (a room, by default), so
 * a client cannot use a cursor to start reading inside another partition.
 */
export function decodeCursor(cursor: string | undefined, partition: string, partitionAttribute = 'roomId'): Key | undefined {
  if (cursor === undefined) return undefined;
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new ChatError('invalid_request', 'cursor is not valid');
  }
  const valid =
    key !== null &&
    typeof key === 'object' &&
    !Array.isArray(key) &&
    Object.values(key).every((v) => typeof v === 'string' || typeof v === 'number') &&
    (key as Key)[partitionAttribute] === partition;
  if (!valid) throw new ChatError('invalid_request', `cursor is not valid for this ${partitionAttribute === 'roomId' ? 'room' : partitionAttribute}`);
  return key as Key;
}
