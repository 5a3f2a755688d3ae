/**
 * npx nx run prices:refresh [-- --snapshot FILE]
 * Rebuilds the price snapshot from the Price List API: for every price with a query, GetProducts
 * (us-east-1's endpoint, which serves every region's prices) must find exactly one On-Demand
 * first-tier price; its SKU and figure replace what was there and the snapshot takes today's
 * date. Needs AWS credentials with pricing:GetProducts, so it runs in CI or on a laptop, never in
 * tests (they answer it from a recorded response). A query that finds none or several leaves its
 * price as it was and is named; the snapshot then keeps its old date and the run fails, so a
 * snapshot's date always means every queried price was read that day.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { GetProductsCommand, PricingClient, type Filter } from '@aws-sdk/client-pricing';
import { onePrice } from './price-list';
import type { PriceSnapshot } from './prices';

/** The region every query's filters name (the usage types' APN2- prefix). */
const QUERIED_REGION = 'ap-northeast-2';

async function productsFor(client: PricingClient, serviceCode: string, filters: Record<string, string>): Promise<string[]> {
  const Filters: Filter[] = Object.entries(filters).map(([Field, Value]) => ({ Type: 'TERM_MATCH', Field, Value }));
  const entries: string[] = [];
  const tokens = new Set<string>();
  let NextToken: string | undefined;
  do {
    const page = await client.send(new GetProductsCommand({ ServiceCode: serviceCode, Filters, FormatVersion: 'aws_v1', NextToken }));
    entries.push(...(page.PriceList ?? []));
    NextToken = page.NextToken;
    // A token seen before would page forever.
    if (NextToken && tokens.has(NextToken)) throw new Error(`GetProducts ${serviceCode} repeated its NextToken`);
    if (NextToken) tokens.add(NextToken);
  } while (NextToken);
  return entries;
}

export interface RefreshResult {
  snapshot: PriceSnapshot;
  refreshed: string[];
  failed: string[];
}

/** The snapshot with every queried price re-read; `today` is the new snapshot date. */
export async function refreshPrices(snapshot: PriceSnapshot, client: PricingClient, today: string): Promise<RefreshResult> {
  const next: PriceSnapshot = structuredClone(snapshot);
  const refreshed: string[] = [];
  const failed: string[] = [];
  for (const [key, entry] of Object.entries(next.prices)) {
    if (!entry.query) continue;
    try {
      const found = onePrice(key, await productsFor(client, entry.query.serviceCode, entry.query.filters));
      entry.regions[QUERIED_REGION] = found.usd;
      entry.sku = found.sku;
      delete entry.verify;
      refreshed.push(`${key}: $${found.usd}/${found.unit} (SKU ${found.sku})`);
    } catch (error) {
      failed.push(error instanceof Error ? error.message : String(error));
    }
  }
  if (failed.length === 0) next.snapshotDate = today;
  return { snapshot: next, refreshed, failed };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { snapshot: { type: 'string', default: path.join(__dirname, 'snapshot.json') } } });
  const file = values.snapshot ?? path.join(__dirname, 'snapshot.json');
  const current = JSON.parse(readFileSync(file, 'utf8')) as PriceSnapshot;
  const client = new PricingClient({ region: 'us-east-1' });
  const { snapshot, refreshed, failed } = await refreshPrices(current, client, new Date().toISOString().slice(0, 10));
  for (const line of refreshed) console.log(line);
  writeFileSync(file, `${JSON.stringify(snapshot, null, 2)}\n`);
  if (failed.length > 0) {
    console.error(`refresh-prices: ${failed.length} price(s) not refreshed, kept as they were; the snapshot keeps its date:\n${failed.join('\n')}`);
    process.exit(1);
  }
  console.log(`refresh-prices: ${refreshed.length} price(s) from the Price List; snapshot dated ${snapshot.snapshotDate}`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(`refresh-prices: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
