import fc from 'fast-check';
import { checkUserId, cleanDisplayName, isWellFormed, MAX_DISPLAY_NAME_LENGTH, MAX_USER_ID_LENGTH } from './identity';

describe('checkUserId', () => {
  it.each([
    ['empty', ''],
    ['blank', '   '],
    ['oversized', 'u'.repeat(MAX_USER_ID_LENGTH + 1)],
    ['control characters', 'a\u0000b'],
    ['a lone surrogate', 'a\ud800'],
    ['not a string', 42],
  ])('refuses a subject that is %s', (_label, sub) => {
    expect(() => checkUserId(sub)).toThrow(expect.objectContaining({ code: 'unauthorized' }));
  });

  it('accepts ordinary identity-provider subjects', () => {
    for (const sub of ['u-1', 'auth0|5f7c8ec7c33c6c004bbafe82', '2b6f0cc9-4c0e-4a63-9c1e-6a1d1c8e3f11', 'u'.repeat(128)]) {
      expect(checkUserId(sub)).toBe(sub);
    }
  });
});

describe('cleanDisplayName', () => {
  it('cuts on a grapheme boundary: a family emoji at the limit goes whole', () => {
    const family = '\u{1F468}\u200D\u{1F469}\u200D\u{1F467}'; // 8 UTF-16 units
    const name = 'a'.repeat(MAX_DISPLAY_NAME_LENGTH - 4) + family;
    const cut = cleanDisplayName(name, 'fallback');
    expect(cut).toBe('a'.repeat(MAX_DISPLAY_NAME_LENGTH - 4));
    expect(isWellFormed(cut)).toBe(true);
  });

  it('keeps accents with their letters and drops controls and bidi overrides', () => {
    expect(cleanDisplayName('Zoe\u0301\u202e', 'x')).toBe('Zoe\u0301');
    expect(cleanDisplayName('\u0000\u202e  ', 'u-7')).toBe('u-7');
    expect(cleanDisplayName(undefined, 'u-7')).toBe('u-7');
  });

  it('always returns a non-empty, well-formed name within the limit (generated names)', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ unit: 'grapheme', maxLength: 100 }), fc.string({ unit: 'binary', maxLength: 100 }), fc.string({ maxLength: 100 })),
        (raw) => {
          const name = cleanDisplayName(raw, 'fallback');
          expect(name.length).toBeGreaterThan(0);
          expect(name.length).toBeLessThanOrEqual(MAX_DISPLAY_NAME_LENGTH);
          expect(isWellFormed(name)).toBe(true);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
