/**
 * A secret parameter that was created but never given a value starts with this word (see the
 * infrastructure's RuntimeParameters). Consumers refuse it instead of running on a value that
 * is printed in this repository for anyone to read.
 */
export const PLACEHOLDER_SECRET_PREFIX = 'set-me';
export const MIN_SECRET_BYTES = 32;

/** Fails closed on a missing, short or placeholder secret, saying exactly how to set one. */
export function checkSecret(value: string | undefined, source: string): string {
  const howTo = `set it with: aws ssm put-parameter --name ${source} --type SecureString --overwrite ` + `--value "$(openssl rand -base64 48)"`;
  if (value === undefined || value.startsWith(PLACEHOLDER_SECRET_PREFIX)) {
    throw new Error(`secret ${source} is not set (it still holds the placeholder); ${howTo}`);
  }
  if (Buffer.byteLength(value) < MIN_SECRET_BYTES) {
    throw new Error(`secret ${source} is shorter than ${MIN_SECRET_BYTES} bytes; ${howTo}`);
  }
  return value;
}
