import { fargateRates, price, PRICES } from '@relay/prices';
import { actualFleetCost, estimateFleetCost, fargateCost, TASK_OVERHEAD_SECONDS } from './run-cost';

const seoul = fargateRates('ap-northeast-2', 'ARM64');
const shape = { count: 16, vcpu: 4, memoryGiB: 8, architecture: 'ARM64' as const };

describe("a fleet run's cost", () => {
  it('prices task-seconds at the dated Fargate rates, each task billed at least a minute, with the arithmetic shown', () => {
    const cost = fargateCost('ap-northeast-2', shape, 150, 'generators');
    const hours = (16 * 150) / 3600;
    expect(cost.taskSeconds).toBe(2400);
    expect(cost.usd).toBeCloseTo(hours * (4 * seoul.vcpuHour + 8 * seoul.gbHour + price('vpc.public-ipv4-hour', 'ap-northeast-2')), 10);
    expect(cost.lines.join('\n')).toContain(`$${seoul.vcpuHour}/vCPU-h`);
    expect(cost.lines.at(-1)).toContain(`prices of ${PRICES.snapshotDate}`);
    // A 10 s task still pays a minute.
    expect(fargateCost('ap-northeast-2', { ...shape, count: 1 }, 10, 'x').taskSeconds).toBe(60);
    expect(() => fargateCost('eu-west-3', shape, 60, 'x')).toThrow(/no price "fargate.arm64.vcpu-hour" for eu-west-3/);
  });

  it("estimates from k6's own plan of the run plus the fleet's overheads, and reports the seconds tasks actually ran", () => {
    const estimate = estimateFleetCost('ap-northeast-2', shape, 10);
    const each = TASK_OVERHEAD_SECONDS.startUp + TASK_OVERHEAD_SECONDS.barrier + 10 + TASK_OVERHEAD_SECONDS.upload;
    expect(estimate.taskSeconds).toBe(16 * each);
    const actual = actualFleetCost('ap-northeast-2', shape, [30, 120.2]);
    expect(actual.taskSeconds).toBe(60 + 121);
    expect(actual.usd).toBeCloseTo(fargateCost('ap-northeast-2', { ...shape, count: 1 }, 181, 'x').usd, 10);
  });
});
