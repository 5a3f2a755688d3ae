import { DELIVERY_FANOUT } from '@relay/runtime-contract';
import { DEFAULT_RECONNECT_PARAMS, runReconnectModel, type ReconnectParams } from './reconnect-model';

const run = (over: Partial<ReconnectParams>) =>
  runReconnectModel({ ...DEFAULT_RECONNECT_PARAMS, members: 2_000, design: 'after', scenario: 'mass-drop', ...over });

describe('the reconnect model', () => {
  it('never recovers a mass drop sooner than the new-connection quota allows, and recovers sooner when it is raised', () => {
    const slow = run({ newConnectionsPerSecond: 500 });
    const fast = run({ newConnectionsPerSecond: 2_000 });
    expect(slow.recoverMs).toBeGreaterThanOrEqual((2_000 / 500) * 1000);
    expect(fast.recoverMs).toBeLessThan(slow.recoverMs);
    expect(slow.refusedHandshakes).toBeGreaterThan(0);
  });

  it('costs the old client join + history + members per member, RoomSync a join only', () => {
    const before = run({ design: 'before' });
    const after = run({ design: 'after' });
    // Every member's $connect, plus its re-entry requests.
    expect(before.requests).toBe(2_000 * 4);
    expect(after.requests).toBe(2_000 * 2);
    expect(after.readUnits).toBeLessThan(before.readUnits);
  });

  it('reads one message per member of a lost chunk with RoomSync, a whole re-entry each with the old client', () => {
    const before = run({ design: 'before', scenario: 'lost-chunk' });
    const after = run({ design: 'after', scenario: 'lost-chunk' });
    expect(after.requests).toBe(DELIVERY_FANOUT.chunkSize);
    expect(before.requests).toBe(3 * DELIVERY_FANOUT.chunkSize);
    expect(after.recoverMs).toBeGreaterThanOrEqual(DEFAULT_RECONNECT_PARAMS.reorderWindowMs);
  });
});
