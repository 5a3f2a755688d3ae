import { randomUUID } from 'node:crypto';
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/**
 * Elastic Load Balancing v2 in front of moto, for the two calls moto lacks: ModifyCapacityReservation
 * (not implemented) and DescribeCapacityReservation (a stub that always answers "provisioned").
 * Every other ELBv2 call is passed to moto unchanged. The answers are written from the API
 * reference's documented response shape (Query protocol, 2015-12-01), not recorded from AWS: a
 * new reservation reads "pending" for `pendingPolls` describes, then "provisioned" (or "failed"
 * with a reason, as `fail` asks) in each of the load balancer's zones; a reset clears it. As
 * AWS does, it allows two decreases a day and refuses a third.
 *
 * In-process (new Elbv2CapacityStandIn(...)) or as a process of its own (a workflow rehearsal
 * blocks the test's process while a step runs): prints its endpoint on stdout.
 *   node --import tsx tools/emulators/moto/elbv2-capacity-stand-in.ts '<json: motoEndpoint, zones, pendingPolls>'
 */
export interface Elbv2CapacityOptions {
  motoEndpoint: string;
  zones?: string[];
  pendingPolls?: number;
  fail?: string;
}

interface State {
  units: number | null;
  polls: number;
  decreasesLeft: number;
}

const NS = 'http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/';

export class Elbv2CapacityStandIn {
  endpoint = '';
  /** Every ModifyCapacityReservation request, as its form parameters. */
  readonly modifications: Record<string, string>[] = [];
  private server: Server | undefined;
  private readonly states = new Map<string, State>();

  constructor(private readonly options: Elbv2CapacityOptions) {}

  async start(): Promise<void> {
    this.server = createServer((request, response) => void this.handle(request, response));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.endpoint = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const form = Object.fromEntries(new URLSearchParams(body.toString('utf8')));
    const action = form['Action'];
    if (action === 'ModifyCapacityReservation') return this.modify(form, response);
    if (action === 'DescribeCapacityReservation') return this.describe(form, response);
    // Everything else is moto's.
    const upstream = httpRequest(`${this.options.motoEndpoint}${request.url ?? '/'}`, { method: request.method, headers: request.headers }, (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    });
    upstream.on('error', (error) => response.writeHead(502).end(String(error)));
    upstream.end(body);
  }

  private modify(form: Record<string, string>, response: ServerResponse): void {
    this.modifications.push(form);
    const arn = form['LoadBalancerArn'] ?? '';
    const state = this.states.get(arn) ?? { units: null, polls: 0, decreasesLeft: 2 };
    const reset = form['ResetCapacityReservation'] === 'true';
    const units = reset ? null : Number(form['MinimumLoadBalancerCapacity.CapacityUnits']);
    if (!reset && !(units && units > 0)) return this.error(response, 'ValidationError', 'MinimumLoadBalancerCapacity or ResetCapacityReservation is required');
    const decrease = state.units !== null && (units === null || units < state.units);
    if (decrease && state.decreasesLeft === 0)
      return this.error(response, 'CapacityDecreaseRequestsLimitExceeded', 'You have exhausted your decrease requests for the day');
    const next = { units, polls: 0, decreasesLeft: state.decreasesLeft - (decrease ? 1 : 0) };
    this.states.set(arn, next);
    this.answer(response, 'ModifyCapacityReservation', this.result(next));
  }

  private describe(form: Record<string, string>, response: ServerResponse): void {
    const state = this.states.get(form['LoadBalancerArn'] ?? '') ?? { units: null, polls: 0, decreasesLeft: 2 };
    state.polls += 1;
    this.answer(response, 'DescribeCapacityReservation', this.result(state));
  }

  private result(state: State): string {
    const pending = state.units !== null && state.polls <= (this.options.pendingPolls ?? 1);
    const code = state.units === null ? 'provisioned' : pending ? 'pending' : this.options.fail ? 'failed' : 'provisioned';
    const reason = code === 'failed' ? `<Reason>${this.options.fail}</Reason>` : '';
    const zones = (this.options.zones ?? ['ap-northeast-2a', 'ap-northeast-2c'])
      .map((zone) => `<member><AvailabilityZone>${zone}</AvailabilityZone><State><Code>${code}</Code>${reason}</State></member>`)
      .join('');
    return (
      `<LastModifiedTime>${new Date().toISOString()}</LastModifiedTime><DecreaseRequestsRemaining>${state.decreasesLeft}</DecreaseRequestsRemaining>` +
      (state.units === null ? '' : `<MinimumLoadBalancerCapacity><CapacityUnits>${state.units}</CapacityUnits></MinimumLoadBalancerCapacity>`) +
      `<CapacityReservationState>${state.units === null ? '' : zones}</CapacityReservationState>`
    );
  }

  private answer(response: ServerResponse, action: string, result: string): void {
    response
      .writeHead(200, { 'content-type': 'text/xml' })
      .end(
        `<${action}Response xmlns="${NS}"><${action}Result>${result}</${action}Result><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></${action}Response>`,
      );
  }

  private error(response: ServerResponse, code: string, message: string): void {
    response
      .writeHead(400, { 'content-type': 'text/xml' })
      .end(
        `<ErrorResponse xmlns="${NS}"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
      );
  }
}

if (require.main === module) {
  const standIn = new Elbv2CapacityStandIn(JSON.parse(process.argv[2] ?? '{}') as Elbv2CapacityOptions);
  void standIn.start().then(() => process.stdout.write(`${standIn.endpoint}\n`));
  process.on('SIGTERM', () => void standIn.stop().then(() => process.exit(0)));
}
