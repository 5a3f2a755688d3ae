/**
 * Every chat Lambda, the app that builds it and what triggers it. The build, the local runtime
 * and the infrastructure read this list, so a new route is added in exactly one place.
 * Each function's entry is apps/<app>/src/functions/<name>.ts; its artifact dist/apps/<app>/<name>.zip.
 */
export interface ChatFunction {
  name: string;
  app: 'chat-ws' | 'chat-deliver';
  /** API Gateway WebSocket route key, the messages table stream, or the fan-out chunk queue. */
  trigger: { routeKey: string } | { stream: 'messages' } | { queue: 'delivery-chunks' };
}

export const CHAT_FUNCTIONS: readonly ChatFunction[] = [
  { name: 'connect', app: 'chat-ws', trigger: { routeKey: '$connect' } },
  { name: 'disconnect', app: 'chat-ws', trigger: { routeKey: '$disconnect' } },
  { name: 'default', app: 'chat-ws', trigger: { routeKey: '$default' } },
  { name: 'join', app: 'chat-ws', trigger: { routeKey: 'join' } },
  { name: 'leave', app: 'chat-ws', trigger: { routeKey: 'leave' } },
  { name: 'members', app: 'chat-ws', trigger: { routeKey: 'members' } },
  { name: 'send', app: 'chat-ws', trigger: { routeKey: 'send' } },
  { name: 'history', app: 'chat-ws', trigger: { routeKey: 'history' } },
  // nx g @relay/nx-plugin:route adds routes above this line.
  { name: 'deliver', app: 'chat-deliver', trigger: { stream: 'messages' } },
  { name: 'fanout', app: 'chat-deliver', trigger: { queue: 'delivery-chunks' } },
];

/** API Gateway selects the route from this JSON field of each frame. */
export const ROUTE_SELECTION_EXPRESSION = '$request.body.action';
