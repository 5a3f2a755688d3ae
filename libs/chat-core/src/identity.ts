import { ChatError } from './errors';

/** Longest subject a token may carry: it becomes a key part in several tables. */
export const MAX_USER_ID_LENGTH = 128;
/** Display names are cut to this many UTF-16 code units, on a grapheme boundary. */
export const MAX_DISPLAY_NAME_LENGTH = 64;

// C0/C1 controls and the bidi overrides that let a name rewrite how the text around it reads.
// eslint-disable-next-line no-control-regex
const UNSAFE_IN_NAMES = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
// eslint-disable-next-line no-control-regex
const UNSAFE_IN_IDS = /[\u0000-\u001f\u007f-\u009f]/;

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
// With the u flag a surrogate pair is one code point, so this matches lone surrogates only.
const LONE_SURROGATE = /\p{Cs}/u;

/** True when the string has no lone surrogate, i.e. it survives UTF-8 encoding unchanged. */
export function isWellFormed(text: string): boolean {
  return !LONE_SURROGATE.test(text);
}

/**
 * Checks a token's subject before it becomes anybody's identity: empty, oversized, control
 * characters or broken Unicode are refused, so nothing downstream ever stores a sender it
 * cannot deliver.
 */
export function checkUserId(sub: unknown): string {
  if (typeof sub !== 'string' || sub.trim() === '') throw new ChatError('unauthorized', 'token subject is empty');
  if (sub.length > MAX_USER_ID_LENGTH) {
    throw new ChatError('unauthorized', `token subject is longer than ${MAX_USER_ID_LENGTH} characters`);
  }
  if (!isWellFormed(sub) || UNSAFE_IN_IDS.test(sub)) {
    throw new ChatError('unauthorized', 'token subject has control characters or invalid Unicode');
  }
  return sub;
}

/**
 * A display name fit to show: broken Unicode repaired, control and bidi-override characters
 * dropped, and cut to the limit without splitting a grapheme (an emoji sequence or a letter with
 * its accents stays whole or goes whole). Falls back when nothing printable is left.
 */
export function cleanDisplayName(raw: unknown, fallback: string): string {
  const text =
    typeof raw === 'string'
      ? raw
          .replace(/\p{Cs}/gu, '\uFFFD')
          .replace(UNSAFE_IN_NAMES, '')
          .trim()
      : '';
  let cut = '';
  for (const { segment } of graphemes.segment(text)) {
    if (cut.length + segment.length > MAX_DISPLAY_NAME_LENGTH) break;
    cut += segment;
  }
  cut = cut.trim();
  return cut === '' ? cleanDisplayName(fallback, 'user') : cut;
}
