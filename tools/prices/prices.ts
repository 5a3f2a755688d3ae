import snapshot from './snapshot.json';

/** How a price is found in the Price List API (GetProducts): its service and TERM_MATCH filters. */
export interface PriceQuery {
  serviceCode: string;
  filters: Record<string, string>;
}

export interface PriceEntry {
  unit: string;
  /** The Price List SKU the figure came from (written by refresh-prices). */
  sku?: string;
  /** The pricing page it was read from by hand, when it has no SKU. */
  page?: string;
  /** Why the figure is less certain than the rest, and what to check. */
  verify?: string;
  query?: PriceQuery;
  /** USD per unit, by region. */
  regions: Record<string, number>;
}

export interface PriceSnapshot {
  snapshotDate: string;
  currency: 'USD';
  taken: string;
  prices: Record<string, PriceEntry>;
}

export const PRICES = snapshot as PriceSnapshot;
/** An estimate made from older prices says so. */
export const STALE_AFTER_DAYS = 90;
/** What AWS bills a month of hourly resources as. */
export const HOURS_PER_MONTH = 730;

export class PriceError extends Error {}

/** USD per unit of `key` in `region`; a missing price is an error that names it, never a zero. */
export function price(key: string, region: string, prices: PriceSnapshot = PRICES): number {
  const entry = prices.prices[key];
  if (!entry) throw new PriceError(`no price "${key}" in the snapshot (tools/prices/snapshot.json)`);
  const value = entry.regions[region];
  if (value === undefined) throw new PriceError(`no price "${key}" for ${region} in the snapshot (it has ${Object.keys(entry.regions).join(', ')})`);
  return value;
}

/** Fargate's On-Demand rates for an architecture (as ECS names it in a task definition). */
export function fargateRates(region: string, architecture: 'ARM64' | 'X86_64', prices: PriceSnapshot = PRICES): { vcpuHour: number; gbHour: number } {
  const arch = architecture.toLowerCase();
  return { vcpuHour: price(`fargate.${arch}.vcpu-hour`, region, prices), gbHour: price(`fargate.${arch}.gb-hour`, region, prices) };
}

/** Whole days from the snapshot's date to `now`. */
export function snapshotAgeDays(now: Date, prices: PriceSnapshot = PRICES): number {
  return Math.floor((now.getTime() - Date.parse(`${prices.snapshotDate}T00:00:00Z`)) / 86_400_000);
}

/** The line every estimate ends with: the snapshot's date, and a warning once it is stale. */
export function snapshotLine(now: Date, prices: PriceSnapshot = PRICES): string {
  const age = snapshotAgeDays(now, prices);
  const base = `prices: snapshot of ${prices.snapshotDate} (${age} days old)`;
  return age > STALE_AFTER_DAYS ? `${base}; WARNING: older than ${STALE_AFTER_DAYS} days, run \`npx nx run prices:refresh\`` : base;
}
