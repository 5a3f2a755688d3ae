import type { Construct } from 'constructs';
import { TerraformOutput } from 'cdktf';
import { ChatWebSocketApi, STAGE_NAME } from '@relay/chat-infra';
import { Alarms, RelayStack, RuntimeParameters, type RoleMode } from '@relay/infra-constructs';
import { resourcePrefix, type Environment } from '@relay/platform-config';

export const AUTH = { issuer: 'relay', audience: 'relay-chat' };

/** chat-<env>: the WebSocket chat backend of one environment (or one developer preview). */
export class ChatStack extends RelayStack {
  readonly chat: ChatWebSocketApi;

  constructor(scope: Construct, id: string, props: { env: Environment; artifactsDir: string; role?: RoleMode }) {
    super(scope, id, { env: props.env, component: 'chat', role: props.role });
    const prefix = resourcePrefix(props.env);
    const secrets = new RuntimeParameters(this, 'secrets', { env: props.env, secrets: ['chat/auth-token-secret', 'chat/cursor-secret'] });
    const secret = secrets.parameter('chat/auth-token-secret');
    const cursorSecret = secrets.parameter('chat/cursor-secret');
    this.chat = new ChatWebSocketApi(this, 'chat', {
      env: props.env,
      prefix,
      artifactsDir: props.artifactsDir,
      authSecretParameter: { name: secret.name, arn: secret.arn },
      cursorSecretParameter: { name: cursorSecret.name, arn: cursorSecret.arn },
      auth: AUTH,
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
    new Alarms(this, 'alarms', {
      env: props.env,
      prefix: `${prefix}-chat`,
      functionNames: Object.values(this.chat.functions).map((f) => f.functionName),
      tableNames: Object.values(this.chat.tableNames),
      webSocketApi: { apiId: this.chat.api.id, stage: STAGE_NAME },
      deliveryFunctionName: this.chat.functions['deliver']?.functionName,
    });
    new TerraformOutput(this, 'websocket_url', { value: this.chat.webSocketUrl });
  }
}
