import nx from '@nx/eslint-plugin';
import prettierRecommended from 'eslint-plugin-prettier/recommended';

/**
 * One lint config for the workspace. Project boundaries come from tags:
 *   type:app | type:stack | type:loadtest | type:tool may use type:lib; libs use only libs.
 *   stacks carry no scope: they compose the constructs of every scope.
 *   scope:chat and scope:broadcast may use scope:platform; scope:platform uses only itself.
 *   Tools (tools/*, one project per job) may use libs and, by job, the tools beneath them:
 *   k6 and ci stand alone, emulators may run k6, prices, operations, policy and contract may use
 *   the emulators, operations the prices, bench and the rehearsal runner operations, the cost
 *   model the prices and the cost commands the model and the fleet, a fleet run's cost the
 *   fleet and the prices, the fleet's command the fleet and its cost, the load generator the
 *   fleet's command, and each workflow's rehearsal
 *   (tools/rehearsals/*) the runner and the nightly's account. Nothing but a tool may use a tool,
 *   so product code never depends on tools/.
 */
export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  {
    ignores: ['**/dist', '**/node_modules', '**/cdktf.out', '**/.nx', '**/.tools', 'reports', 'tmp'],
  },
  {
    files: ['**/*.ts', '**/*.js', '**/*.mjs'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: true,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'type:stack', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'type:loadtest', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:lib', 'type:tool'] },
            { sourceTag: 'tool:k6', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'tool:ci', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'tool:repo-checks', onlyDependOnLibsWithTags: ['type:lib', 'tool:ci'] },
            { sourceTag: 'tool:docs', onlyDependOnLibsWithTags: ['type:lib'] },
            // Every rehearsal and policy proof imports the emulators: another tool here would carry
            // its edits to all of them (the k6 build's did, to 18 projects).
            { sourceTag: 'tool:emulator', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'tool:prices', onlyDependOnLibsWithTags: ['type:lib', 'tool:emulator'] },
            { sourceTag: 'tool:quotas', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'tool:operations', onlyDependOnLibsWithTags: ['type:lib', 'tool:emulator', 'tool:k6', 'tool:prices', 'tool:quotas'] },
            // The fleet imports none of the operations: through it, every plugin edit re-ran the
            // fleet, the cost model and the benchmarks. The quota checks they share are tool:quotas.
            { sourceTag: 'tool:fleet', onlyDependOnLibsWithTags: ['type:lib', 'tool:emulator', 'tool:k6', 'tool:quotas'] },
            // A run's cost is a project of its own: through the fleet, every price edit re-ran the
            // fleet's tests, its role proof and every night of the nightly rehearsal.
            { sourceTag: 'tool:fleet-cost', onlyDependOnLibsWithTags: ['type:lib', 'tool:fleet', 'tool:prices', 'tool:k6'] },
            // The fleet's command against an env starts no local stack: the nightly rehearsals that run
            // it without load (rehearsal-nightly) do not re-run for a chat edit.
            { sourceTag: 'tool:fleet-command', onlyDependOnLibsWithTags: ['type:lib', 'tool:fleet', 'tool:fleet-cost', 'tool:emulator', 'tool:k6'] },
            {
              sourceTag: 'tool:loadgen',
              onlyDependOnLibsWithTags: ['type:lib', 'tool:fleet', 'tool:fleet-cost', 'tool:fleet-command', 'tool:emulator', 'tool:k6'],
            },
            // The cost model prices no load-test run: through the fleet, every fleet, scenario and k6
            // edit re-ran the pull request's cost diff and the ci rehearsal that runs it.
            { sourceTag: 'tool:cost-model', onlyDependOnLibsWithTags: ['type:lib', 'tool:emulator', 'tool:prices'] },
            {
              sourceTag: 'tool:cost',
              onlyDependOnLibsWithTags: ['type:lib', 'tool:emulator', 'tool:k6', 'tool:prices', 'tool:cost-model', 'tool:fleet', 'tool:fleet-cost'],
            },
            { sourceTag: 'tool:policy', onlyDependOnLibsWithTags: ['type:lib', 'tool:emulator'] },
            { sourceTag: 'tool:role-calls', onlyDependOnLibsWithTags: ['type:lib', 'tool:emulator', 'tool:policy'] },
            { sourceTag: 'tool:contract', onlyDependOnLibsWithTags: ['type:lib', 'tool:emulator'] },
            // The load generator's own benchmark (bench:loadgen) is the load generator's: through it,
            // every fleet, scenario and k6 edit re-ran the benchmarks' lint and tests.
            { sourceTag: 'tool:bench', onlyDependOnLibsWithTags: ['type:lib', 'tool:delivery-model'] },
            { sourceTag: 'tool:delivery-model', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'tool:nightly-account', onlyDependOnLibsWithTags: ['type:lib', 'tool:rehearsal', 'tool:fleet', 'tool:emulator', 'tool:k6'] },
            { sourceTag: 'tool:rehearsal', onlyDependOnLibsWithTags: ['type:lib', 'tool:operations', 'tool:emulator', 'tool:k6'] },
            // Each generator's run is a project of its own, with the edges of what it edits; they share the scratch workspace.
            { sourceTag: 'tool:plugin-e2e', onlyDependOnLibsWithTags: ['type:lib', 'tool:plugin-e2e'] },
            {
              sourceTag: 'tool:workflow-rehearsal',
              // The nightly's two rehearsals share stag's account (tool:nightly-account), a project of its
              // own: one importing the other would make it a dependency, which Nx starts first.
              onlyDependOnLibsWithTags: ['type:lib', 'tool:rehearsal', 'tool:operations', 'tool:fleet', 'tool:emulator', 'tool:k6', 'tool:nightly-account'],
            },
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'scope:chat', onlyDependOnLibsWithTags: ['scope:chat', 'scope:platform'] },
            { sourceTag: 'scope:broadcast', onlyDependOnLibsWithTags: ['scope:broadcast', 'scope:chat', 'scope:platform'] },
            { sourceTag: 'scope:platform', onlyDependOnLibsWithTags: ['scope:platform'] },
          ],
        },
      ],
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: '@cdktf/provider-aws',
              message: 'Import the resource module directly (e.g. @cdktf/provider-aws/lib/dynamodb-table): the barrel makes synth ~10x slower.',
            },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // In tests a wrong assumption behind `!` fails the test anyway.
    files: ['**/*.spec.ts', '**/*.e2e.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  {
    files: ['**/jest.config.js', 'jest.preset.js', 'jest.cdktf-setup.js'],
    rules: { '@typescript-eslint/no-require-imports': 'off', '@nx/enforce-module-boundaries': 'off' },
  },
  // Formatting is Prettier's (.prettierrc.json), checked as a lint rule so every lint target checks it.
  prettierRecommended,
];
