import type { ChatTableKey } from '@relay/runtime-contract';
import type { Statement } from '@relay/infra-constructs';

export interface ChatResourceArns {
  tables: Record<ChatTableKey, string>;
  authSecretParameter: string;
  cursorSecretParameter: string;
  /** arn:aws:execute-api:<region>:<account>:<api-id>/<stage> */
  apiStage: string;
  messagesStream: string;
  deadLetterQueue: string;
  /** The fan-out chunk queue between the two delivery stages. */
  chunkQueue: string;
}

const table = (arns: ChatResourceArns, key: ChatTableKey, actions: string[]): Statement => ({
  sid: [key, ...actions].map((w) => w.replace(/^./, (c) => c.toUpperCase())).join(''),
  actions: actions.map((a) => `dynamodb:${a}`),
  resources: [arns.tables[key]],
});

const cursorSecret = (arns: ChatResourceArns): Statement => ({
  sid: 'CursorSecret',
  actions: ['ssm:GetParameter'],
  resources: [arns.cursorSecretParameter],
});

/** Presence on join, leave and disconnect: list the room (first page only) and post to its sockets. */
const presence = (arns: ChatResourceArns): Statement[] => [
  { sid: 'MembershipsQueryRoom', actions: ['dynamodb:Query'], resources: [arns.tables.memberships] },
  postToConnections(arns),
];

const postToConnections = (arns: ChatResourceArns): Statement => ({
  sid: 'PostToConnections',
  actions: ['execute-api:ManageConnections'],
  resources: [`${arns.apiStage}/POST/@connections/*`],
});

const disconnectCleanup = (arns: ChatResourceArns): Statement[] => [
  { sid: 'MembershipsByConnection', actions: ['dynamodb:Query'], resources: [`${arns.tables.memberships}/index/*`] },
  table(arns, 'memberships', ['BatchWriteItem']),
  table(arns, 'connections', ['DeleteItem']),
];

/**
 * What each chat function may do, and nothing more. A function missing here has no entry
 * in this record and fails to synthesize, so a new route cannot ship without a decision.
 */
export const CHAT_FUNCTION_ACCESS: Record<string, (arns: ChatResourceArns) => Statement[]> = {
  connect: (arns) => [table(arns, 'connections', ['PutItem']), { sid: 'AuthSecret', actions: ['ssm:GetParameter'], resources: [arns.authSecretParameter] }],
  // The connection row's DeleteItem returns what it held: no GetItem before it.
  disconnect: (arns) => [...disconnectCleanup(arns), ...presence(arns)],
  default: () => [],
  // The room's counter (rooms GetItem) answers the join's lastSeq.
  join: (arns) => [table(arns, 'connections', ['GetItem']), table(arns, 'memberships', ['PutItem']), table(arns, 'rooms', ['GetItem']), ...presence(arns)],
  leave: (arns) => [table(arns, 'memberships', ['DeleteItem']), ...presence(arns)],
  members: (arns) => [table(arns, 'memberships', ['GetItem', 'Query']), cursorSecret(arns)],
  // The room's counter (rooms GetItem) keys the newest-page cache.
  history: (arns) => [table(arns, 'memberships', ['GetItem']), table(arns, 'rooms', ['GetItem']), table(arns, 'messages', ['Query']), cursorSecret(arns)],
  send: (arns) => [
    table(arns, 'memberships', ['GetItem']),
    table(arns, 'rooms', ['UpdateItem', 'PutItem', 'GetItem']),
    table(arns, 'messages', ['PutItem', 'GetItem']),
  ],
  // nx g @relay/nx-plugin:route adds a route's access above this line.
  deliver: (arns) => [
    table(arns, 'memberships', ['Query']),
    // Checkpoints of a fan-out paused before its timeout (rooms sk "delivery#<seq>").
    table(arns, 'rooms', ['GetItem', 'PutItem', 'DeleteItem']),
    ...disconnectCleanup(arns),
    {
      sid: 'MessagesStream',
      actions: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'],
      resources: [arns.messagesStream],
    },
    // The event source mapping lists the table's streams; AWS authorizes that on "*" only.
    { sid: 'ListStreams', actions: ['dynamodb:ListStreams'], resources: ['*'] },
    postToConnections(arns),
    { sid: 'OnFailureDestination', actions: ['sqs:SendMessage'], resources: [arns.deadLetterQueue] },
    { sid: 'HandOffChunks', actions: ['sqs:SendMessage'], resources: [arns.chunkQueue] },
  ],
  fanout: (arns) => [
    // The event source mapping receives and deletes with the function's role.
    {
      sid: 'ChunkSource',
      actions: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
      resources: [arns.chunkQueue],
    },
    { sid: 'RequeueChunks', actions: ['sqs:SendMessage'], resources: [arns.chunkQueue] },
    postToConnections(arns),
    ...disconnectCleanup(arns),
  ],
};
