import { spawnSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(__dirname, '..', '..');

/** Lints a snippet as if it were the given file, with the workspace's real ESLint config. */
function lint(code: string, filePath: string): { ruleId: string; message: string }[] {
  const result = spawnSync('npx', ['eslint', '--format', 'json', '--stdin', '--stdin-filename', filePath], {
    cwd: root,
    input: code,
    encoding: 'utf8',
  });
  const [report] = JSON.parse(result.stdout) as { messages: { ruleId: string; message: string }[] }[];
  return report?.messages ?? [];
}

describe('workspace lint rules', () => {
  jest.setTimeout(30_000);

  it('forbids the @cdktf/provider-aws barrel and allows deep imports', () => {
    const barrel = lint("import { DynamodbTable } from '@cdktf/provider-aws';\nexport const t = DynamodbTable;\n", 'libs/infra-constructs/src/x.ts');
    expect(barrel).toEqual([expect.objectContaining({ ruleId: 'no-restricted-imports', message: expect.stringContaining('~10x slower') })]);
    const deep = lint(
      "import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';\nexport const t = DynamodbTable;\n",
      'libs/infra-constructs/src/x.ts',
    );
    expect(deep).toEqual([]);
  });

  it('keeps platform libraries free of product code', () => {
    const messages = lint("import { signToken } from '@relay/chat-core';\nexport const f = signToken;\n", 'libs/infra-constructs/src/x.ts');
    expect(messages).toEqual([expect.objectContaining({ ruleId: '@nx/enforce-module-boundaries', message: expect.stringContaining('scope:platform') })]);
  });

  it('keeps the tools that most tools import (the emulators, the k6 build) free of other tools', () => {
    const emulators = lint("import { ensureK6 } from '@relay/k6-process';\nexport const f = ensureK6;\n", 'tools/emulators/moto/x.ts');
    expect(emulators).toEqual([expect.objectContaining({ ruleId: '@nx/enforce-module-boundaries', message: expect.stringContaining('tool:emulator') })]);
    const k6 = lint("import { cpuSecondsOf } from '@relay/emulators';\nexport const f = cpuSecondsOf;\n", 'tools/k6/x.ts');
    expect(k6).toEqual([expect.objectContaining({ ruleId: '@nx/enforce-module-boundaries', message: expect.stringContaining('tool:k6') })]);
  });

  it('keeps the fleet and its commands off the operations, and the fleet on the quota checks it shares with them', () => {
    const operations = "import { runIfMain } from '@relay/operations';\nexport const f = runIfMain;\n";
    expect(lint(operations, 'tools/fleet/x.ts')).toEqual([
      expect.objectContaining({ ruleId: '@nx/enforce-module-boundaries', message: expect.stringContaining('tool:fleet') }),
    ]);
    // Through the load generator, every plugin edit re-ran its tests.
    expect(lint(operations, 'tools/loadgen/x.ts')).toEqual([
      expect.objectContaining({ ruleId: '@nx/enforce-module-boundaries', message: expect.stringContaining('tool:loadgen') }),
    ]);
    expect(lint("import { unmetQuotas } from '@relay/quotas';\nexport const f = unmetQuotas;\n", 'tools/fleet/x.ts')).toEqual([]);
  });

  it("keeps the cost model, which the pull request's diff runs, and the benchmarks off the fleet, and the cost and load generator's commands on it", () => {
    const fleet = "import { planFleet } from '@relay/fleet';\nexport const f = planFleet;\n";
    expect(lint(fleet, 'tools/cost-model/x.ts')).toEqual([
      expect.objectContaining({ ruleId: '@nx/enforce-module-boundaries', message: expect.stringContaining('tool:cost-model') }),
    ]);
    expect(lint(fleet, 'tools/cost/x.ts')).toEqual([]);
    // The benchmarks import no fleet either: the load generator's benchmark is the load generator's.
    expect(lint(fleet, 'tools/bench/x.ts')).toEqual([
      expect.objectContaining({ ruleId: '@nx/enforce-module-boundaries', message: expect.stringContaining('tool:bench') }),
    ]);
    expect(lint(fleet, 'tools/loadgen/capacity/x.ts')).toEqual([]);
    expect(lint("import { costReport } from '@relay/cost-model';\nexport const f = costReport;\n", 'tools/cost/x.ts')).toEqual([]);
  });
});
