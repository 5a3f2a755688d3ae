import { countChanges, markdown } from './plan-summary';
import { expiredPreviews } from './preview-sweep';

describe('plan summary', () => {
  // The shape of `terraform show -json <plan>`: one entry per resource with its planned actions.
  const plan = {
    format_version: '1.2',
    resource_changes: [
      { address: 'aws_dynamodb_table.messages', change: { actions: ['no-op'] } },
      { address: 'aws_lambda_function.send', change: { actions: ['update'] } },
      { address: 'aws_sqs_queue.dlq', change: { actions: ['create'] } },
      { address: 'aws_apigatewayv2_deployment.d', change: { actions: ['create', 'delete'] } },
      { address: 'aws_ssm_parameter.old', change: { actions: ['delete'] } },
    ],
  };

  it('counts adds, changes and destroys as terraform does, naming replacements', () => {
    expect(countChanges('chat-stag', plan)).toEqual({
      stack: 'chat-stag',
      add: 2,
      change: 1,
      destroy: 2,
      replaced: ['aws_apigatewayv2_deployment.d'],
      standInImage: false,
    });
    expect(countChanges('web-stag', {})).toMatchObject({ add: 0, change: 0, destroy: 0 });
  });

  it('renders a markdown table that flags destroys', () => {
    const text = markdown('stag', [countChanges('chat-stag', plan), countChanges('web-stag', { resource_changes: [] })]);
    expect(text).toContain('| `chat-stag` | 2 | 1 | 2 ⚠️ |');
    expect(text).toContain('| `web-stag` | 0 | 0 | 0 |');
    expect(text).toContain('- `chat-stag`: `aws_apigatewayv2_deployment.d`');
    expect(text).not.toContain('stand-in');
  });

  it("says so when a pull request's plan stood in for the image digest", () => {
    const pr = countChanges('platform-stag', { resource_changes: [], variables: { broadcast_image_digest: { value: `sha256:${'0'.repeat(64)}` } } });
    expect(pr.standInImage).toBe(true);
    expect(markdown('stag', [pr])).toContain('`platform-stag` was planned with a stand-in image digest');
  });
});

describe('preview sweep', () => {
  const now = new Date('2026-11-25T12:00:00Z');
  const hoursAgo = (h: number) => new Date(now.getTime() - h * 3600_000);

  it('expires previews whose last apply is older than their 72 h TTL, and nothing else', () => {
    expect(
      expiredPreviews(
        [
          { key: 'chat/dev-alice.tfstate', lastModified: hoursAgo(73) },
          { key: 'chat/dev-bob.tfstate', lastModified: hoursAgo(71) },
          { key: 'chat/dev.tfstate', lastModified: hoursAgo(500) },
          { key: 'chat/dev-carol.tfstate.tflock', lastModified: hoursAgo(500) },
          { key: 'web/dev-dave.tfstate', lastModified: hoursAgo(500) },
        ],
        now,
      ),
    ).toEqual(['alice']);
  });
});
