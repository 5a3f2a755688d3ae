import fc from 'fast-check';
import { CATALOGUE } from './catalogue';
import { EnvironmentError, previewName, previewNameForBranch, resolveEnvironment, validateCatalogue } from './resolve';
import { resourcePrefix, stateLocation, parameterPath } from './naming';

describe('resolveEnvironment', () => {
  it('puts dev, stag and prod in three different accounts, previews in dev', () => {
    const [dev, stag, prod] = ['dev', 'stag', 'prod'].map(resolveEnvironment);
    expect(new Set([dev!.accountId, stag!.accountId, prod!.accountId]).size).toBe(3);
    const preview = resolveEnvironment('dev-alice');
    expect(preview).toMatchObject({ name: 'dev-alice', kind: 'preview', accountId: dev!.accountId, owner: 'alice', ttlHours: 72 });
  });

  it.each(['not-an-env', 'production', 'DEV', '', 'dev-', 'dev-Alice', 'dev-a', 'dev-alice_b', 'dev-averyveryverylongname', 'prod-alice'])(
    'rejects %p with a clear error',
    (name) => {
      expect(() => resolveEnvironment(name)).toThrow(EnvironmentError);
      expect(() => resolveEnvironment(name)).toThrow(/environment|preview name/);
    },
  );

  it('keeps prod protected and non-prod on Spot with off-hours', () => {
    const prod = resolveEnvironment('prod');
    expect(prod.protection).toEqual({ deletionProtection: true, pointInTimeRecovery: true });
    expect(prod.fargate.spot).toBe(false);
    expect(prod.offHours).toBeNull();
    for (const name of ['dev', 'stag', 'dev-bob']) {
      const env = resolveEnvironment(name);
      expect(env.fargate.spot).toBe(true);
      expect(env.offHours?.timezone).toBe('Asia/Seoul');
    }
  });
});

describe('validateCatalogue', () => {
  it('accepts the catalogue as shipped', () => {
    expect(validateCatalogue().map((e) => e.name)).toEqual(Object.keys(CATALOGUE));
    expect(Object.keys(CATALOGUE)).toEqual(expect.arrayContaining(['dev', 'stag', 'prod']));
  });

  it('reports every problem at once: bad account id, role in another account, unprotected prod, shared account', () => {
    const broken = {
      dev: { ...CATALOGUE.dev, accountId: '12345' },
      stag: { ...CATALOGUE.stag, deployRoleArn: `arn:aws:iam::${CATALOGUE.prod.accountId}:role/relay-deploy` },
      prod: { ...CATALOGUE.prod, protection: { deletionProtection: false, pointInTimeRecovery: true } },
      prod2: {
        ...CATALOGUE.prod,
        name: 'prod',
        accountId: CATALOGUE.stag.accountId,
        deployRoleArn: CATALOGUE.stag.deployRoleArn,
        planRoleArn: CATALOGUE.stag.planRoleArn,
        prPlanRoleArn: CATALOGUE.stag.prPlanRoleArn,
      },
    };
    let message = '';
    try {
      validateCatalogue(broken);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('accountId: must be a 12-digit AWS account id');
    expect(message).toContain('roles must live in the environment’s own account');
    expect(message).toContain('prod must keep deletion protection');
    expect(message).toContain('must each have their own account');
  });

  it('refuses reservations that leave less than 100 of the Lambda quota unreserved, and a Fargate peak above its vCPU quota', () => {
    const prod = CATALOGUE.prod;
    // prod reserves 200 for deliver: a new account's reduced quota cannot hold it.
    expect(() => validateCatalogue({ prod: { ...prod, quotas: { ...prod.quotas, lambdaConcurrentExecutions: 250 } } })).toThrow(
      /reservedDeliverConcurrency: reserved concurrency must leave 100 of quotas.lambdaConcurrentExecutions unreserved/,
    );
    expect(() => validateCatalogue({ prod: { ...prod, quotas: { ...prod.quotas, lambdaConcurrentExecutions: 350 } } })).toThrow(
      /fanoutWorkers: the fan-out workers must fit in the unreserved concurrency/,
    );
    expect(() => validateCatalogue({ prod: { ...prod, quotas: { ...prod.quotas, fargateOnDemandVcpu: 6 } } })).toThrow(
      /maxCount: maxCount tasks at the task's vCPU exceed the account's Fargate vCPU quota/,
    );
    // Every catalogue environment leaves the 100 and fits its service.
    expect(() => validateCatalogue(CATALOGUE)).not.toThrow();
  });

  it('refuses an environment named pv, whose names would be a preview’s (relay-pv-*)', () => {
    expect(() => validateCatalogue({ pv: { ...CATALOGUE.stag, name: 'pv' } })).toThrow(/name: is reserved: pv would share names with previews/);
  });

  it('refuses stag and prod without a domain (no HTTPS, no certificate) and names outside the zone', () => {
    const bad = {
      stag: { ...CATALOGUE.stag, domain: null },
      prod: { ...CATALOGUE.prod, domain: null },
      dev: {
        ...CATALOGUE.dev,
        domain: { zoneId: 'Z0100000000DEV', zoneName: 'dev.relay-chat.example', apiHost: 'api.elsewhere.example', webHost: 'app.dev.relay-chat.example' },
      },
    };
    let message = '';
    try {
      validateCatalogue(bad);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/"stag" is invalid:\n {2}domain: stag and prod carry bearer tokens/);
    expect(message).toMatch(/"prod" is invalid:\n {2}domain: stag and prod carry bearer tokens/);
    expect(message).toContain('apiHost and webHost must be names inside zoneName');
    expect(() => validateCatalogue({ dev: { ...CATALOGUE.dev, domain: null } })).not.toThrow();
  });

  it('refuses an HTTP API front door where a load generator needs prod’s, unless a load-test edge brings it', () => {
    expect(() => validateCatalogue({ stag: { ...CATALOGUE.stag, loadTestEdge: false } })).toThrow(/apiFrontDoor: a load generator loads prod’s front door/);
    expect(() => validateCatalogue({ stag: { ...CATALOGUE.stag, loadTestEdge: false, apiFrontDoor: 'load-balancer' } })).not.toThrow();
    expect(() => validateCatalogue({ stag: CATALOGUE.stag })).not.toThrow();
    // WAF guards CloudFront wherever it is on, and the API only where an ALB serves it.
    expect(() => validateCatalogue({ dev: { ...CATALOGUE.dev, waf: true } })).not.toThrow();
  });

  it('gives a load-test edge only to an env with a fleet and a domain, never to prod', () => {
    expect(() => validateCatalogue({ dev: { ...CATALOGUE.dev, loadTestEdge: true } })).toThrow(
      /loadTestEdge: a load-test edge is the nightly fleet’s front door/,
    );
    expect(() => validateCatalogue({ stag: { ...CATALOGUE.stag, domain: null } })).toThrow(/loadTestEdge/);
    expect(() => validateCatalogue({ prod: { ...CATALOGUE.prod, loadgen: CATALOGUE.stag.loadgen, loadTestEdge: true } })).toThrow(/loadTestEdge/);
  });

  it('keeps per-resource alarms in prod and alarm-less envs to previews', () => {
    const { prod, dev } = CATALOGUE;
    expect(() => validateCatalogue({ prod: { ...prod, monitoring: { alarms: 'account-wide', dashboard: true } } })).toThrow(
      /monitoring.alarms: prod pages someone/,
    );
    expect(() => validateCatalogue({ dev: { ...dev, monitoring: { alarms: 'none', dashboard: false } } })).toThrow(
      /previews, and only previews, go without alarms/,
    );
    expect(() => resolveEnvironment(previewName('alarms'))).not.toThrow();
  });

  it("refuses a stage throttle above the account's request quota it shares", () => {
    const bad = { prod: { ...CATALOGUE.prod, webSocket: { ...CATALOGUE.prod.webSocket, rateLimit: 25_000 } } };
    expect(() => validateCatalogue(bad)).toThrow(/webSocket.rateLimit: the stage's rate limit cannot exceed/);
  });

  it('refuses a k6 fleet the account’s On-Demand vCPU quota cannot hold, or of no Fargate size', () => {
    const stag = CATALOGUE.stag;
    expect(() => validateCatalogue({ stag: { ...stag, loadgen: { ...stag.loadgen, maxTasks: 30 } } })).toThrow(
      /loadgen.maxTasks: loadgen.maxTasks generator tasks exceed the account’s Fargate On-Demand vCPU quota/,
    );
    expect(() => validateCatalogue({ stag: { ...stag, loadgen: { ...stag.loadgen, memoryMb: 4096 } } })).toThrow(
      /loadgen: cpu\/memory is not a valid Fargate size/,
    );
    // No entry, no fleet: dev and prod run none.
    expect([resolveEnvironment('dev').loadgen, resolveEnvironment('prod').loadgen]).toEqual([null, null]);
  });

  it('rejects an invalid Fargate size and an invalid log retention', () => {
    const bad = { dev: { ...CATALOGUE.dev, fargate: { ...CATALOGUE.dev.fargate, memoryMb: 700 }, retention: { ...CATALOGUE.dev.retention, logDays: 10 } } };
    expect(() => validateCatalogue(bad)).toThrow(/not a valid Fargate size[\s\S]*logDays: must be one of/);
  });
});

describe('naming', () => {
  it('derives prefixes, SSM paths and state locations from the environment', () => {
    const preview = resolveEnvironment('dev-carol');
    expect(resourcePrefix(preview)).toBe('relay-pv-carol');
    expect(parameterPath(preview, 'chat', 'ws-url')).toBe('/relay/dev-carol/chat/ws-url');
    expect(stateLocation(preview, 'chat')).toEqual({
      bucket: `relay-tfstate-${preview.accountId}-ap-northeast-2`,
      key: 'chat/dev-carol.tfstate',
      region: 'ap-northeast-2',
    });
  });
});

describe('previewNameForBranch', () => {
  it('turns any branch into a valid, stable preview name that still reads as the branch', () => {
    expect(previewNameForBranch('feature/Chat-Rooms')).toMatch(/^featurec[a-z0-9]{8}$/);
    expect(previewNameForBranch('123-fix')).toMatch(/^b123fix[a-z0-9]{8}$/);
    expect(previewNameForBranch('refs/heads/feature/Chat-Rooms')).toBe(previewNameForBranch('feature/Chat-Rooms'));
    expect(previewNameForBranch('feature/Chat-Rooms')).toBe(previewNameForBranch('feature/Chat-Rooms'));
  });

  it('maps branches to previews injectively: names that clean to the same letters stay apart', () => {
    const twins = ['fix-x', 'fix/x', 'Fix_X', 'fixx', 'FIX-X'].map(previewNameForBranch);
    expect(new Set(twins).size).toBe(twins.length);
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 80 }), fc.string({ minLength: 1, maxLength: 80 }), (a, b) => {
        fc.pre(a.replace(/^refs\/heads\//, '') !== b.replace(/^refs\/heads\//, ''));
        return previewNameForBranch(a) !== previewNameForBranch(b);
      }),
      { numRuns: 2000 },
    );
  });

  it('always gives a name the catalogue accepts as a preview', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 200 }), (branch) => resolveEnvironment(`dev-${previewNameForBranch(branch)}`).kind === 'preview'),
      { numRuns: 500 },
    );
  });
});
