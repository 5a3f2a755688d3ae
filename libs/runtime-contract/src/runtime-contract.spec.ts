import {
  CHAT_FUNCTIONS,
  chatTableNames,
  chatTables,
  checkSecret,
  DELIVERY_EVENT_SOURCE,
  DELIVERY_FANOUT,
  MIN_SECRET_BYTES,
  PLACEHOLDER_SECRET_PREFIX,
} from './index';

describe('the chat functions', () => {
  it('have one name and one route key each, so a route cannot be wired twice', () => {
    const names = CHAT_FUNCTIONS.map((fn) => fn.name);
    const routes = CHAT_FUNCTIONS.flatMap((fn) => ('routeKey' in fn.trigger ? [fn.trigger.routeKey] : []));
    expect(new Set(names).size).toBe(names.length);
    expect(new Set(routes).size).toBe(routes.length);
    expect(routes).toEqual(expect.arrayContaining(['$connect', '$disconnect', '$default']));
  });

  it('are triggered by a stream only where a table design declares one', () => {
    for (const fn of CHAT_FUNCTIONS) {
      if ('stream' in fn.trigger)
        expect({ fn: fn.name, stream: (chatTables[fn.trigger.stream] as { stream?: string }).stream }).toEqual({ fn: fn.name, stream: 'NEW_IMAGE' });
    }
  });
});

describe('the delivery settings', () => {
  it('give the chunk queue the visibility AWS asks of an SQS event source: at least six worker timeouts', () => {
    expect(DELIVERY_FANOUT.visibilityTimeoutSeconds).toBeGreaterThanOrEqual(6 * DELIVERY_FANOUT.workerTimeoutSeconds);
  });

  it('read pages no larger than the stream batch fans out in chunks', () => {
    expect(DELIVERY_FANOUT.chunkSize).toBeLessThanOrEqual(DELIVERY_FANOUT.pageSize);
    expect(DELIVERY_FANOUT.directMax).toBeLessThan(DELIVERY_FANOUT.chunkSize);
    expect(DELIVERY_EVENT_SOURCE.maximumRetryAttempts).toBeGreaterThan(0);
  });
});

describe('chatTableNames', () => {
  it('names every designed table under the prefix', () => {
    expect(Object.keys(chatTableNames('relay-dev')).sort()).toEqual(Object.keys(chatTables).sort());
    expect(Object.values(chatTableNames('relay-dev')).every((name) => name.startsWith('relay-dev-'))).toBe(true);
  });
});

describe('checkSecret', () => {
  const long = 'x'.repeat(MIN_SECRET_BYTES);

  it('returns a set secret of at least the minimum length', () => {
    expect(checkSecret(long, '/relay/dev/chat/auth-token-secret')).toBe(long);
  });

  it.each([
    ['missing', undefined, 'is not set'],
    ['the placeholder', `${PLACEHOLDER_SECRET_PREFIX}: aws ssm put-parameter --overwrite ${long}`, 'is not set'],
    ['too short', 'x'.repeat(MIN_SECRET_BYTES - 1), `is shorter than ${MIN_SECRET_BYTES} bytes`],
  ])('refuses a secret that is %s, naming it and how to set it', (_, value, reason) => {
    expect(() => checkSecret(value, '/relay/dev/chat/auth-token-secret')).toThrow(
      new RegExp(`/relay/dev/chat/auth-token-secret ${reason}.*aws ssm put-parameter --name /relay/dev/chat/auth-token-secret`),
    );
  });
});
