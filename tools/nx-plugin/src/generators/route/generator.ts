import devkit from '@nx/devkit';
import type { Tree } from '@nx/devkit';

export interface RouteOptions {
  name: string;
}

const FILES = {
  frames: 'libs/chat-core/src/frames.ts',
  functions: 'libs/runtime-contract/src/chat-functions.ts',
  access: 'libs/chat-infra/src/chat-permissions.ts',
  known: 'libs/chat-handlers/src/default-route.ts',
  handlers: 'libs/chat-handlers/src/index.ts',
};
const marker = (what: string) => `// nx g @relay/nx-plugin:route adds ${what} above this line.`;

function insertAbove(tree: Tree, file: string, what: string, text: string): void {
  const source = tree.read(file, 'utf-8');
  if (!source) throw new Error(`${file} not found: run the generator at the workspace root`);
  const line = source.split('\n').find((l) => l.trim() === marker(what));
  if (!line) throw new Error(`${file} lost the generator's marker ("${marker(what)}")`);
  tree.write(file, source.replace(line, `${text}${line}`));
}

/**
 * A new WebSocket route wired end to end; every place it touches is a place the repo already
 * reads from a single list, so the build (one zip per function), the local runtime and the
 * stacks pick it up from CHAT_FUNCTIONS.
 */
export default async function routeGenerator(tree: Tree, options: RouteOptions): Promise<() => void> {
  const { name } = options;
  if (!/^[a-z][a-z0-9]{1,19}$/.test(name)) throw new Error(`route name "${name}" is invalid: 2-20 lowercase letters and digits`);
  const functions = tree.read(FILES.functions, 'utf-8') ?? '';
  if (functions.includes(`name: '${name}'`)) throw new Error(`a chat function "${name}" already exists (${FILES.functions})`);
  const { className, propertyName } = devkit.names(name);

  insertAbove(
    tree,
    FILES.frames,
    'request schemas',
    `export const ${propertyName}RequestSchema = z.object({ action: z.literal('${name}'), roomId: roomIdSchema, requestId });\n`,
  );
  insertAbove(tree, FILES.frames, 'request types', `export type ${className}Request = z.infer<typeof ${propertyName}RequestSchema>;\n`);
  insertAbove(tree, FILES.functions, 'routes', `  { name: '${name}', app: 'chat-ws', trigger: { routeKey: '${name}' } },\n`);
  insertAbove(tree, FILES.access, "a route's access", `  ${name}: (arns) => [table(arns, 'memberships', ['GetItem'])],\n`);

  const known = tree.read(FILES.known, 'utf-8') ?? '';
  const list = /export const KNOWN_ACTIONS = \[([^\]]*)\] as const;/.exec(known);
  if (!list) throw new Error(`${FILES.known} has no KNOWN_ACTIONS list`);
  tree.write(FILES.known, known.replace(list[0], `export const KNOWN_ACTIONS = [${list[1]}, '${name}'] as const;`));
  tree.write(FILES.handlers, `${tree.read(FILES.handlers, 'utf-8')}export { create${className}Handler } from './${name}';\n`);

  devkit.generateFiles(tree, new URL('./files', import.meta.url).pathname, '.', { name, className, propertyName, tmpl: '' });
  await devkit.formatFiles(tree);
  return () => {
    devkit.logger.info(
      [
        `route "${name}" is wired: frame {"action":"${name}","roomId":…} -> Lambda relay-<env>-chat-${name}.`,
        `  fill in libs/chat-handlers/src/${name}.ts (it acknowledges members only) and its test;`,
        `  widen its access in ${FILES.access} if the work needs more than reading the membership.`,
      ].join('\n'),
    );
  };
}
