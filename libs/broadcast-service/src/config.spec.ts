import { loadConfig } from './config';

const valid = {
  CHAT_ROOMS_TABLE: 'rooms',
  CHAT_MESSAGES_TABLE: 'messages',
  CHAT_CONNECTIONS_TABLE: 'connections',
  CHAT_MEMBERSHIPS_TABLE: 'memberships',
  FOLLOWS_TABLE: 'follows',
  AUTH_TOKEN_SECRET: 's'.repeat(32),
  CURSOR_SECRET: 'c'.repeat(32),
};

describe('loadConfig', () => {
  it('applies defaults that fit Fargate Spot', () => {
    expect(loadConfig(valid)).toMatchObject({ PORT: 8080, HOST: '0.0.0.0', DRAIN_SECONDS: 100, POSTS_PER_MINUTE: 30, LOG_LEVEL: 'info' });
  });

  it('names every missing or bad variable at once', () => {
    let message = '';
    try {
      loadConfig({ ...valid, FOLLOWS_TABLE: undefined, AUTH_TOKEN_SECRET: 'short', PORT: '70000', DRAIN_SECONDS: '200' });
    } catch (error) {
      message = (error as Error).message;
    }
    for (const variable of ['FOLLOWS_TABLE', 'AUTH_TOKEN_SECRET', 'PORT', 'DRAIN_SECONDS']) expect(message).toContain(`${variable}:`);
  });

  it('fails closed on a placeholder or missing secret, saying what to run', () => {
    const placeholder = 'set-me: aws ssm put-parameter --overwrite and a long tail';
    expect(() => loadConfig({ ...valid, AUTH_TOKEN_SECRET: placeholder })).toThrow(/AUTH_TOKEN_SECRET: .*placeholder.*aws ssm put-parameter/);
    expect(() => loadConfig({ ...valid, CURSOR_SECRET: undefined })).toThrow(/CURSOR_SECRET: .*not set/);
  });
});
