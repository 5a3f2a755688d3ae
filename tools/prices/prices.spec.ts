import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { PricingClient } from '@aws-sdk/client-pricing';
import { motoBin } from '@relay/emulators';
import { onDemandPrices, onePrice } from './price-list';
import { price, PRICES, snapshotLine, STALE_AFTER_DAYS, type PriceSnapshot } from './prices';
import { refreshPrices } from './refresh';

/**
 * The Price List's answers are read from a recorded real response: the GetProducts example AWS
 * publishes in botocore's service data (pricing/2017-10-15/examples-1.json), read from the
 * botocore installed in the moto venv rather than copied here. moto has no Pricing API.
 */
jest.setTimeout(300_000);

function recordedGetProducts(): { PriceList: string[]; FormatVersion: string; NextToken: string } {
  const python = path.join(motoBin(), 'python');
  const found = spawnSync(python, ['-c', 'import botocore, os; print(os.path.dirname(botocore.__file__))'], { encoding: 'utf8' });
  if (found.status !== 0) throw new Error(`botocore not found in the moto venv: ${found.stderr}`);
  const examples = JSON.parse(readFileSync(path.join(found.stdout.trim(), 'data/pricing/2017-10-15/examples-1.json'), 'utf8')) as {
    examples: { GetProducts: { output: { PriceList: string[]; FormatVersion: string; NextToken: string } }[] };
  };
  return examples.examples.GetProducts[0]!.output;
}

/**
 * GetProducts answered on 127.0.0.1 as AWS pages it: the recorded page (with its NextToken), then,
 * asked for that token, a last empty page. The real SDK client asks it.
 */
async function pricingServer(answer: (request: { ServiceCode: string; Filters: { Field: string; Value: string }[] }) => { NextToken?: string }) {
  const requests: unknown[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const parsed = JSON.parse(body) as Parameters<typeof answer>[0] & { NextToken?: string };
      requests.push({ target: req.headers['x-amz-target'], ...parsed });
      const page = answer(parsed);
      const last = { FormatVersion: 'aws_v1', PriceList: [] };
      res
        .writeHead(200, { 'content-type': 'application/x-amz-json-1.1' })
        .end(JSON.stringify(parsed.NextToken && parsed.NextToken === page.NextToken ? last : page));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const client = new PricingClient({
    region: 'us-east-1',
    endpoint: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
  return { client, requests, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const fixture = (): PriceSnapshot => ({
  snapshotDate: '2026-01-01',
  currency: 'USD',
  taken: 'test',
  prices: {
    'ebs.piops-gb-month': {
      unit: 'GB-month',
      page: 'https://aws.amazon.com/ebs/pricing/',
      query: { serviceCode: 'AmazonEC2', filters: { volumeType: 'Provisioned IOPS' } },
      regions: { 'ap-northeast-2': 0.1 },
    },
    'kms.key-month': { unit: 'key-month', page: 'https://aws.amazon.com/kms/pricing/', regions: { 'ap-northeast-2': 1 } },
  },
});

describe('the Price List, read', () => {
  const recorded = recordedGetProducts();

  it('takes the SKU and first-tier On-Demand USD price from a recorded GetProducts answer', () => {
    expect(onDemandPrices(recorded.PriceList[0]!)).toEqual([
      expect.objectContaining({ sku: 'WQGC34PB2AWS8R4U', usd: 0.138, unit: 'GB-Mo', usagetype: 'CAN1-EBS:VolumeUsage.piops' }),
    ]);
  });

  it('refuses an answer that is not one price, naming the key', () => {
    expect(() => onePrice('ebs.piops', [...recorded.PriceList, ...recorded.PriceList])).toThrow(/ebs\.piops: the query matched 2 On-Demand prices, not one/);
    expect(() => onePrice('ebs.piops', [])).toThrow(/matched 0/);
    expect(() => onDemandPrices('{not json')).toThrow(/not JSON/);
  });

  it('refreshes a snapshot through the real SDK client: the SKU and price replace the page figure, the date moves', async () => {
    const server = await pricingServer(() => recorded);
    try {
      const { snapshot, refreshed, failed } = await refreshPrices(fixture(), server.client, '2026-12-05');
      expect(failed).toEqual([]);
      expect(refreshed).toEqual([expect.stringContaining('ebs.piops-gb-month: $0.138/GB-Mo (SKU WQGC34PB2AWS8R4U)')]);
      expect(snapshot.prices['ebs.piops-gb-month']).toMatchObject({ sku: 'WQGC34PB2AWS8R4U', regions: { 'ap-northeast-2': 0.138 } });
      // A price without a query keeps its page and figure.
      expect(snapshot.prices['kms.key-month']).toEqual(fixture().prices['kms.key-month']);
      expect(snapshot.snapshotDate).toBe('2026-12-05');
      const query = {
        target: 'AWSPriceListService.GetProducts',
        ServiceCode: 'AmazonEC2',
        Filters: [{ Type: 'TERM_MATCH', Field: 'volumeType', Value: 'Provisioned IOPS' }],
      };
      // Both pages: the recorded one, then the one its NextToken names.
      expect(server.requests).toEqual([expect.objectContaining(query), expect.objectContaining({ ...query, NextToken: recorded.NextToken })]);
    } finally {
      await server.close();
    }
  });

  it('keeps a price and the old date when its query finds several products', async () => {
    const server = await pricingServer(() => ({ ...recorded, PriceList: [...recorded.PriceList, ...recorded.PriceList] }));
    try {
      const { snapshot, failed } = await refreshPrices(fixture(), server.client, '2026-12-05');
      expect(failed).toEqual([expect.stringMatching(/ebs\.piops-gb-month: the query matched 2/)]);
      expect(snapshot.prices['ebs.piops-gb-month']!.regions['ap-northeast-2']).toBe(0.1);
      expect(snapshot.snapshotDate).toBe('2026-01-01');
    } finally {
      await server.close();
    }
  });
});

describe('the committed snapshot', () => {
  it('says where every price came from: a Price List SKU or the page it was read from', () => {
    const unsourced = Object.entries(PRICES.prices).filter(([, p]) => !p.sku && !p.page);
    expect(unsourced).toEqual([]);
    for (const [key, p] of Object.entries(PRICES.prices)) for (const value of Object.values(p.regions)) expect([key, value > 0]).toEqual([key, true]);
  });

  it('names a missing price instead of pricing it at zero', () => {
    expect(() => price('no.such-price', 'ap-northeast-2')).toThrow(/no price "no\.such-price"/);
    expect(() => price('elb.alb-hour', 'eu-west-3')).toThrow(/no price "elb\.alb-hour" for eu-west-3/);
  });

  it('warns once it is older than 90 days', () => {
    const day = (n: number) => new Date(Date.parse(`${PRICES.snapshotDate}T00:00:00Z`) + n * 86_400_000);
    expect(snapshotLine(day(STALE_AFTER_DAYS))).not.toMatch(/WARNING/);
    expect(snapshotLine(day(STALE_AFTER_DAYS + 1))).toMatch(/WARNING: older than 90 days, run `npx nx run prices:refresh`/);
  });
});
