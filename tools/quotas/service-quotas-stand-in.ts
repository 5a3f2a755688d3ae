import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ServiceQuotasClient } from '@aws-sdk/client-service-quotas';

/**
 * A Service Quotas stand-in on 127.0.0.1, for tests: moto implements Service Quotas for VPC only,
 * and no recorded responses are at hand, so this speaks the service's JSON 1.1 protocol
 * (X-Amz-Target ServiceQuotasV20190624.ListServiceQuotas / ListAWSDefaultServiceQuotas) with the
 * response shape of AWS's API reference, one quota per page so pagination is exercised.
 */
export type Quotas = Record<string, Record<string, number>>;

export function serviceQuotas(applied: Quotas, defaults: Quotas) {
  const targets: string[] = [];
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      targets.push(target);
      const { ServiceCode, NextToken } = JSON.parse(raw || '{}') as { ServiceCode: string; NextToken?: string };
      const source = target.endsWith('.ListAWSDefaultServiceQuotas') ? defaults : target.endsWith('.ListServiceQuotas') ? applied : undefined;
      res.setHeader('content-type', 'application/x-amz-json-1.1');
      if (!source) {
        res.statusCode = 400;
        res.end(JSON.stringify({ __type: 'UnknownOperationException', message: target }));
        return;
      }
      const all = Object.entries(source[ServiceCode] ?? {});
      const index = NextToken ? Number(NextToken) : 0;
      const page = all.slice(index, index + 1).map(([QuotaName, Value]) => ({ ServiceCode, QuotaName, QuotaCode: `L-${index}`, Value, Adjustable: true }));
      res.end(JSON.stringify({ Quotas: page, ...(index + 1 < all.length ? { NextToken: String(index + 1) } : {}) }));
    });
  });
  return {
    targets,
    /** Listens (once) and returns its endpoint. */
    async endpoint() {
      if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    async client() {
      return new ServiceQuotasClient({
        endpoint: await this.endpoint(),
        region: 'ap-northeast-2',
        credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
      });
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * The stand-in as a process of its own, for callers that block their event loop (a rehearsal
 * runs each step with spawnSync): prints its endpoint on the first line of stdout.
 *   node --import tsx service-quotas-stand-in.ts '<applied quotas JSON>' '<default quotas JSON>'
 */
if (require.main === module) {
  const [applied = '{}', defaults = '{}'] = process.argv.slice(2);
  const standIn = serviceQuotas(JSON.parse(applied) as Quotas, JSON.parse(defaults) as Quotas);
  void standIn.endpoint().then((url) => console.log(url));
}
