import { condition, evaluate, interpolate, NotRehearsed } from './expressions';

const contexts = {
  github: { event_name: 'pull_request', sha: 'abc', event: { action: 'closed', pull_request: { number: 7, labels: [{ name: 'Preview' }, { name: 'bug' }] } } },
  inputs: { env: 'dev', 'drift-check': false },
  matrix: { env: 'stag' },
  steps: { account: { outputs: { 'deploy-role': 'arn:aws:iam::1:role/relay-deploy' } }, drift: { outputs: { drifted: 'true' } } },
  needs: { decide: { outputs: { verb: 'open' } } },
  env: {},
};

describe('workflow expressions', () => {
  it('evaluates the forms the workflows use, the way GitHub does', () => {
    expect(condition("github.event_name == 'pull_request' && contains(github.event.pull_request.labels.*.name, 'preview')", contexts)).toBe(true);
    expect(condition("github.event.action != 'closed'", contexts)).toBe(false);
    expect(condition('${{ !inputs.drift-check }}', contexts)).toBe(true);
    expect(condition("${{ inputs.drift-check && steps.drift.outputs.drifted == 'true' }}", contexts)).toBe(false);
    expect(condition("needs.decide.outputs.verb == 'open' || needs.decide.outputs.verb == 'close'", contexts)).toBe(true);
    expect(interpolate('plan-${{ inputs.env }} in ${{ matrix.env }}: ${{ github.event.pull_request.number }}', contexts)).toBe('plan-dev in stag: 7');
    expect(interpolate("${{ github.event.workflow_run.head_branch || 'sweep' }}", contexts)).toBe('sweep');
    expect(evaluate('toJSON(github.event.pull_request.number)', contexts)).toBe('7');
  });

  it('refuses what it does not know instead of guessing', () => {
    expect(() => evaluate('secrets.TOKEN', contexts)).toThrow(NotRehearsed);
    expect(() => evaluate("hashFiles('x')", contexts)).toThrow(NotRehearsed);
  });
});
