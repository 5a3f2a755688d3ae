import type { Construct } from 'constructs';
import { TerraformOutput } from 'cdktf';
import { ChatWebSocketApi, DeliveryObservability, STAGE_NAME } from '@relay/chat-infra';
import { Alarms, IdleBudget, RelayStack, RuntimeParameters, type RoleMode } from '@relay/infra-constructs';
import { DEPLOYED_TOKEN_CLAIMS, resourcePrefix, secretParameter, type Environment } from '@relay/platform-config';

/** chat-<env>: the WebSocket chat backend of one environment (or one developer preview). */
export class ChatStack extends RelayStack {
  readonly chat: ChatWebSocketApi;

  constructor(scope: Construct, id: string, props: { env: Environment; artifactsDir: string; role?: RoleMode }) {
    super(scope, id, { env: props.env, component: 'chat', role: props.role });
    const prefix = resourcePrefix(props.env);
    // Secrets are created outside Terraform (tools/nx-plugin/operations/secrets/ensure-secrets.ts), so no value ever
    // enters state or a plan; the stack only refers to them by name.
    const secret = secretParameter(props.env, 'chat/auth-token-secret');
    const cursorSecret = secretParameter(props.env, 'chat/cursor-secret');
    // Earlier versions managed the token secret here: forget it without deleting the parameter.
    this.addOverride('removed', [{ from: 'aws_ssm_parameter.secrets_chat-auth-token-secret_C04EA4A8', lifecycle: { destroy: false } }]);
    this.chat = new ChatWebSocketApi(this, 'chat', {
      env: props.env,
      prefix,
      artifactsDir: props.artifactsDir,
      authSecretParameter: { name: secret.name, arn: secret.arn },
      cursorSecretParameter: { name: cursorSecret.name, arn: cursorSecret.arn },
      auth: DEPLOYED_TOKEN_CLAIMS,
    });
    const tables = this.chat.tables.tables;
    new RuntimeParameters(this, 'config', {
      env: props.env,
      values: {
        'chat/ws-url': this.chat.webSocketUrl,
        'chat/tables/connections': tables.connections.name,
        'chat/tables/memberships': tables.memberships.name,
        'chat/tables/rooms': tables.rooms.name,
        'chat/tables/messages': tables.messages.name,
      },
    });
    const alarms =
      props.env.monitoring.alarms === 'none'
        ? undefined
        : new Alarms(this, 'alarms', {
            env: props.env,
            prefix: `${prefix}-chat`,
            functions: Object.values(this.chat.functions).map((f) => ({ name: f.functionName, timeoutSeconds: f.timeoutSeconds })),
            tableNames: Object.values(this.chat.tableNames),
            deadLetterQueues: this.chat.deadLetterQueues,
            webSocketApi: { apiId: this.chat.api.id, stage: STAGE_NAME },
            deliveryFunctionName: this.chat.functions['deliver']?.functionName,
            budgetAlerts: true,
          });
    // The account's budget, alerting the chat's alarm topic; previews have neither (dev's budget covers theirs).
    if (alarms) new IdleBudget(this, 'budget', { env: props.env, prefix, alarmTopicArn: alarms.topic.arn });
    const deliver = this.chat.functions['deliver'];
    const fanout = this.chat.functions['fanout'];
    if (!deliver || !fanout) throw new Error('the chat has no deliver or fanout function to watch');
    new DeliveryObservability(this, 'delivery', {
      env: props.env,
      prefix: `${prefix}-chat`,
      deliverFunctionName: deliver.functionName,
      fanout: { functionName: fanout.functionName, queueName: this.chat.chunkQueueName },
      apiId: this.chat.api.id,
      stage: STAGE_NAME,
      alarmTopicArn: alarms?.topic.arn,
    });
    new TerraformOutput(this, 'websocket_url', { value: this.chat.webSocketUrl });
  }
}
