import { FLEET_POLL_VARIABLE, pollIntervalFrom } from './poll-interval';

describe('pollIntervalFrom', () => {
  it("keeps the run's own intervals unless the environment names one", () => {
    expect(pollIntervalFrom({})).toBeUndefined();
    expect(pollIntervalFrom({ [FLEET_POLL_VARIABLE]: '' })).toBeUndefined();
    expect(pollIntervalFrom({ [FLEET_POLL_VARIABLE]: '200' })).toBe(200);
  });

  it('refuses what is not a sane interval, naming the variable and the value', () => {
    for (const bad of ['0', '10', '-200', '1.5e2x', '200ms', '0.5', '600000'])
      expect(() => pollIntervalFrom({ [FLEET_POLL_VARIABLE]: bad })).toThrow(
        `${FLEET_POLL_VARIABLE} must be a whole number of milliseconds from 50 to 60000, not "${bad}"`,
      );
  });
});
