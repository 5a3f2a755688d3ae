import path from 'node:path';
import ts from 'typescript';

/**
 * Which AWS API calls a deployable's code can make, derived from its source: starting at its
 * entry file, every function the code can reach (resolved through the type checker, so a call
 * on `deps.stores.messages` lands in MessagesRepository) is searched for `new XCommand(...)` of
 * an AWS SDK client and for Powertools parameter reads; each is mapped to its IAM action.
 * Over-approximates only by taking whole function bodies (closures included), never by guessing.
 */
const root = path.resolve(__dirname, '../../..');

const DOCUMENT_COMMANDS: Record<string, string> = {
  PutCommand: 'dynamodb:PutItem',
  GetCommand: 'dynamodb:GetItem',
  UpdateCommand: 'dynamodb:UpdateItem',
  DeleteCommand: 'dynamodb:DeleteItem',
  QueryCommand: 'dynamodb:Query',
  ScanCommand: 'dynamodb:Scan',
  BatchWriteCommand: 'dynamodb:BatchWriteItem',
  BatchGetCommand: 'dynamodb:BatchGetItem',
  TransactWriteCommand: 'dynamodb:TransactWriteItems',
  TransactGetCommand: 'dynamodb:TransactGetItems',
};
/**
 * A client package's IAM prefix: the package's service name, except where IAM spells it
 * otherwise. Every @aws-sdk/client-* counts: a client missing from a table would make its calls
 * invisible, and a role would look as if it needed nothing.
 */
const IAM_PREFIX_EXCEPTIONS: Record<string, string> = {
  'service-quotas': 'servicequotas',
  'cloudwatch-logs': 'logs',
  'application-auto-scaling': 'application-autoscaling',
  'elastic-load-balancing-v2': 'elasticloadbalancing',
  'cost-explorer': 'ce',
};
function clientService(from: string): string | undefined {
  const name = /^@aws-sdk\/client-(.+)$/.exec(from)?.[1];
  return name ? (IAM_PREFIX_EXCEPTIONS[name] ?? name) : undefined;
}
/** Calls IAM authorizes under another action: an SQS batch call needs its single call's permission. */
const AUTHORIZED_AS: Record<string, string> = {
  'sqs:SendMessageBatch': 'sqs:SendMessage',
  'sqs:DeleteMessageBatch': 'sqs:DeleteMessage',
  'sqs:ChangeMessageVisibilityBatch': 'sqs:ChangeMessageVisibility',
};
/** Powertools helpers that call AWS on the code's behalf. */
const HELPERS: Record<string, string> = { getParameter: 'ssm:GetParameter', getParameters: 'ssm:GetParameters' };

/** The workspace's compiler options (paths to the libs) over the entry files and what they import. */
function program(entries: string[]): ts.Program {
  const config = ts.readConfigFile(path.join(root, 'tsconfig.base.json'), ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
  return ts.createProgram({ rootNames: entries, options: { ...options, noEmit: true } });
}

/** The IAM actions each entry's reachable code can call (entries are paths from the repo root). */
export function sdkCallsOf(entries: string[]): Record<string, string[]> {
  const built = program(entries.map((e) => path.join(root, e)));
  return Object.fromEntries(entries.map((entry) => [entry, callsFrom(built, entry)]));
}

function moduleOf(checker: ts.TypeChecker, node: ts.Node): string | undefined {
  let symbol = checker.getSymbolAtLocation(node);
  if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
  const declaration = symbol?.declarations?.[0];
  const file = declaration?.getSourceFile().fileName ?? '';
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
  return match?.[1];
}

function apiAction(checker: ts.TypeChecker, expression: ts.Expression): string | undefined {
  const name = ts.isIdentifier(expression) ? expression.text : ts.isPropertyAccessExpression(expression) ? expression.name.text : '';
  if (!name.endsWith('Command')) return undefined;
  const from = moduleOf(checker, expression) ?? '';
  if (from === '@aws-sdk/lib-dynamodb') return DOCUMENT_COMMANDS[name];
  if (from === '@aws-sdk/client-apigatewaymanagementapi') return 'execute-api:ManageConnections';
  const service = clientService(from);
  if (!service) return undefined;
  const action = `${service}:${name.slice(0, -'Command'.length)}`;
  return AUTHORIZED_AS[action] ?? action;
}

function callsFrom(built: ts.Program, entry: string): string[] {
  const file = path.join(root, entry);
  const checker = built.getTypeChecker();
  const source = built.getSourceFile(file);
  if (!source) throw new Error(`${entry} is not part of the program`);
  const actions = new Set<string>();
  const seen = new Set<ts.Node>();
  const queue: ts.Node[] = [source];
  // Methods of object literals that implement an interface run only when the interface method
  // is called: creating a poster is not posting. Keyed "Interface.method".
  const called = new Set<string>();
  const waiting = new Map<string, ts.Node[]>();
  const reach = (declaration: ts.Node | undefined) => {
    if (!declaration || declaration.getSourceFile().fileName.includes('node_modules') || seen.has(declaration)) return;
    seen.add(declaration);
    queue.push(declaration);
  };
  const interfaceMethodKey = (declaration: ts.Node): string | undefined => {
    if (!ts.isMethodSignature(declaration) && !ts.isPropertySignature(declaration)) return undefined;
    const owner = declaration.parent;
    return ts.isInterfaceDeclaration(owner) ? `${owner.name.text}.${declaration.name.getText()}` : undefined;
  };
  const literalMemberKey = (member: ts.MethodDeclaration | ts.PropertyAssignment, literal: ts.ObjectLiteralExpression): string | undefined => {
    const type = checker.getContextualType(literal);
    const name = type?.getSymbol()?.getName() ?? type?.aliasSymbol?.getName();
    return name && member.name ? `${name}.${member.name.getText()}` : undefined;
  };
  for (let node = queue.pop(); node !== undefined; node = queue.pop()) {
    const visit = (child: ts.Node): void => {
      const functionMember =
        ts.isMethodDeclaration(child) ||
        (ts.isPropertyAssignment(child) && (ts.isArrowFunction(child.initializer) || ts.isFunctionExpression(child.initializer)));
      if (functionMember && ts.isObjectLiteralExpression(child.parent)) {
        const key = literalMemberKey(child as ts.MethodDeclaration | ts.PropertyAssignment, child.parent);
        if (key && !called.has(key)) {
          waiting.set(key, [...(waiting.get(key) ?? []), child]);
          return;
        }
      }
      if (ts.isNewExpression(child)) {
        const action = apiAction(checker, child.expression);
        if (action) actions.add(action);
        reach(checker.getResolvedSignature(child)?.declaration);
      }
      if (ts.isCallExpression(child)) {
        const callee = ts.isPropertyAccessExpression(child.expression) ? child.expression.name : child.expression;
        const helper = ts.isIdentifier(callee) ? HELPERS[callee.text] : undefined;
        if (helper && moduleOf(checker, callee)?.startsWith('@aws-lambda-powertools/')) actions.add(helper);
        // A hand-signed request names its action: signedAwsRequest('execute-api:ManageConnections', ...).
        const [first] = child.arguments;
        if (ts.isIdentifier(callee) && callee.text === 'signedAwsRequest' && first && ts.isStringLiteral(first)) actions.add(first.text);
        const resolved = checker.getResolvedSignature(child)?.declaration;
        // A call of a function-typed interface property resolves to the type; its owner is the property.
        const declaration = resolved && ts.isFunctionTypeNode(resolved) ? resolved.parent : resolved;
        const key = declaration ? interfaceMethodKey(declaration) : undefined;
        if (key) {
          called.add(key);
          for (const implementation of waiting.get(key) ?? []) reach(implementation);
          waiting.delete(key);
        } else {
          reach(declaration);
        }
      }
      ts.forEachChild(child, visit);
    };
    ts.forEachChild(node, visit);
  }
  return [...actions].sort();
}
