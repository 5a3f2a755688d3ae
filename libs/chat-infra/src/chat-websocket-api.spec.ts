import 'cdktf/lib/testing/adapters/jest';
import { Testing } from 'cdktf';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Apigatewayv2Api } from '@cdktf/provider-aws/lib/apigatewayv2-api';
import { Apigatewayv2Stage } from '@cdktf/provider-aws/lib/apigatewayv2-stage';
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { LambdaEventSourceMapping } from '@cdktf/provider-aws/lib/lambda-event-source-mapping';
import { CHAT_FUNCTIONS } from '@relay/runtime-contract';
import { policyViolations } from '@relay/infra-constructs';
import { resolveEnvironment, type Environment } from '@relay/platform-config';
import { ChatWebSocketApi } from './chat-websocket-api';
import { writeStubArtifacts } from './stub-artifacts';

const artifactsDir = writeStubArtifacts(mkdtempSync(path.join(tmpdir(), 'relay-artifacts-')));
type Json = { resource: Record<string, Record<string, Record<string, unknown>>> };

function synth(env: Environment): string {
  return Testing.synthScope((scope) => {
    new ChatWebSocketApi(scope, 'chat', {
      env,
      prefix: `relay-${env.name}`,
      artifactsDir,
      authSecretParameter: { name: '/relay/x/chat/auth-token-secret', arn: 'arn:aws:ssm:ap-northeast-2:111111111111:parameter/relay/x/chat/auth-token-secret' },
      cursorSecretParameter: { name: '/relay/x/chat/cursor-secret', arn: 'arn:aws:ssm:ap-northeast-2:111111111111:parameter/relay/x/chat/cursor-secret' },
      auth: { issuer: 'relay', audience: 'relay-chat' },
    });
  });
}

const dev = synth(resolveEnvironment('dev'));
const resources = (json: string, type: string) => Object.entries((JSON.parse(json) as Json).resource[type] ?? {});

describe('ChatWebSocketApi', () => {
  it('routes on the frame action, with a route per function and replies on two-way routes', () => {
    expect(dev).toHaveResourceWithProperties(Apigatewayv2Api, { protocol_type: 'WEBSOCKET', route_selection_expression: '$request.body.action' });
    const routeKeys = resources(dev, 'aws_apigatewayv2_route')
      .map(([, r]) => r['route_key'])
      .sort();
    const expected = CHAT_FUNCTIONS.flatMap((f) => ('routeKey' in f.trigger ? [f.trigger.routeKey] : [])).sort();
    expect(routeKeys).toEqual(expected);
    expect(resources(dev, 'aws_apigatewayv2_route_response')).toHaveLength(expected.length - 2);
    expect(dev).toHaveResourceWithProperties(Apigatewayv2Stage, {
      name: 'live',
      default_route_settings: expect.objectContaining({ throttling_burst_limit: 500, throttling_rate_limit: 200 }),
    });
    const [[, stage]] = resources(dev, 'aws_apigatewayv2_stage') as [[string, { access_log_settings: { format: string } }]];
    const fields = JSON.parse(stage.access_log_settings.format) as Record<string, string>;
    for (const variable of ['requestId', 'connectionId', 'routeKey', 'status', 'integration.latency', 'error.message', 'integration.error']) {
      expect(Object.values(fields)).toContain(`$context.${variable}`);
    }
  });

  it('deploys only after, and again whenever, any route, integration or route response changes', () => {
    const [[, deployment]] = resources(dev, 'aws_apigatewayv2_deployment') as [[string, { depends_on: string[]; triggers: { redeployment: string } }]];
    const addresses = (type: string) => resources(dev, type).map(([name]) => `${type}.${name}`);
    const pieces = ['aws_apigatewayv2_route', 'aws_apigatewayv2_integration', 'aws_apigatewayv2_route_response'].flatMap(addresses);
    expect(pieces.length).toBeGreaterThan(CHAT_FUNCTIONS.length);
    expect([...deployment.depends_on].sort()).toEqual([...pieces].sort());
    for (const piece of pieces) expect(deployment.triggers.redeployment).toContain(`${piece}.id`);
    for (const integration of addresses('aws_apigatewayv2_integration')) expect(deployment.triggers.redeployment).toContain(`${integration}.integration_uri`);
  });

  it('gives every function its own role whose policy has no wildcard', () => {
    const policies = resources(dev, 'aws_iam_role_policy');
    expect(policies).toHaveLength(CHAT_FUNCTIONS.length);
    for (const [, policy] of policies) expect(policyViolations(policy['policy'] as string)).toEqual([]);
    const sendPolicy = JSON.parse(policies.find(([name]) => name.startsWith('chat_send'))![1]['policy'] as string);
    expect(sendPolicy.Statement.flatMap((s: { Action: string[] }) => s.Action).sort()).toEqual(
      [
        'dynamodb:GetItem',
        'dynamodb:GetItem',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'logs:CreateLogStream',
        'logs:PutLogEvents',
      ].sort(),
    );
  });

  it('drives delivery from the messages stream with bisect, finite retries, partial batches and a DLQ', () => {
    expect(dev).toHaveResourceWithProperties(LambdaEventSourceMapping, {
      starting_position: 'LATEST',
      bisect_batch_on_function_error: true,
      maximum_retry_attempts: 5,
      function_response_types: ['ReportBatchItemFailures'],
      destination_config: { on_failure: { destination_arn: expect.stringContaining('aws_sqs_queue') } },
    });
    expect(dev).toHaveResourceWithProperties(DynamodbTable, { name: 'relay-dev-chat-messages', stream_enabled: true, stream_view_type: 'NEW_IMAGE' });
  });

  it('feeds the fan-out workers from a chunk queue: one chunk per invocation, partial failures, a DLQ, concurrency from the catalogue', () => {
    const prod = synth(resolveEnvironment('prod'));
    const queue = resources(prod, 'aws_sqs_queue').find(([, q]) => q['name'] === 'relay-prod-chat-fanout-chunks')?.[1];
    expect(queue).toMatchObject({ visibility_timeout_seconds: 180, sqs_managed_sse_enabled: true });
    expect(JSON.parse(String(queue?.['redrive_policy']))).toMatchObject({ maxReceiveCount: 5 });
    const source = resources(prod, 'aws_lambda_event_source_mapping').find(([, m]) => String(m['event_source_arn']).includes('fanout-chunks'))?.[1];
    expect(source).toMatchObject({ batch_size: 1, function_response_types: ['ReportBatchItemFailures'], scaling_config: { maximum_concurrency: 100 } });
    const worker = resources(prod, 'aws_lambda_function').find(([, f]) => f['function_name'] === 'relay-prod-chat-fanout')?.[1];
    expect(worker).toMatchObject({ timeout: 30, memory_size: 1769 });
    // The queue's visibility timeout outlasts a worker's timeout six times over (AWS's guidance).
    expect(Number(queue?.['visibility_timeout_seconds'])).toBeGreaterThanOrEqual(6 * Number(worker?.['timeout']));
  });

  it('protects prod tables with deletion protection and PITR, and leaves dev cheap to delete', () => {
    const prod = synth(resolveEnvironment('prod'));
    for (const [, table] of resources(prod, 'aws_dynamodb_table')) {
      expect(table).toMatchObject({ billing_mode: 'PAY_PER_REQUEST', deletion_protection_enabled: true, point_in_time_recovery: { enabled: true } });
    }
    for (const [, table] of resources(dev, 'aws_dynamodb_table')) {
      expect(table).toMatchObject({ deletion_protection_enabled: false, point_in_time_recovery: { enabled: false } });
    }
    expect(dev).toHaveResourceWithProperties(DynamodbTable, { name: 'relay-dev-chat-connections', ttl: { attribute_name: 'expiresAt', enabled: true } });
  });
});
