/**
 * Which AWS actions can a trigger's code send? Derived statically from the TypeScript source with
 * the compiler's type checker, so an IAM test can compare it with what the trigger's role grants.
 *
 * From a handler module, everything its code can reach is visited: the module's top level, then
 * every function, method, class, variable or object property that reachable code refers to (the
 * checker resolves each name to its declaration, through imports, `this.method()`, interfaces'
 * `Pick<...>` views and so on), and every function written inside reachable code (a closure
 * counts as reachable where it is created: the ports a handler hands to its use-case are such
 * closures). In every reachable piece of code, each `new XxxCommand(...)` whose class comes from
 * an AWS SDK package is an AWS call, mapped to its IAM action:
 *   @aws-sdk/client-<service>   XxxCommand  -> <iam prefix>:Xxx
 *   @aws-sdk/lib-dynamodb       GetCommand  -> dynamodb:GetItem (PutItem, UpdateItem, ...)
 *
 * The granularity is the function, not the file: a trigger that imports InviteStore for `get` is
 * not charged with `put` or `list`. It over-approximates (a referenced function counts whether or
 * not a branch calls it), which is the safe direction for a least-privilege check: a grant is
 * needed for anything the code could send.
 */
import { dirname, join, resolve } from 'node:path';
import ts from 'typescript';

export const ROOT = resolve(__dirname, '..', '..', '..');
const FUNCTIONS_DIR = join(ROOT, 'functions');

/** The document client's commands and the DynamoDB actions they send. */
const LIB_DYNAMODB: Record<string, string> = {
  GetCommand: 'GetItem',
  PutCommand: 'PutItem',
  UpdateCommand: 'UpdateItem',
  DeleteCommand: 'DeleteItem',
  QueryCommand: 'Query',
  ScanCommand: 'Scan',
  BatchGetCommand: 'BatchGetItem',
  BatchWriteCommand: 'BatchWriteItem',
  TransactGetCommand: 'TransactGetItems',
  TransactWriteCommand: 'TransactWriteItems',
  ExecuteStatementCommand: 'PartiQLSelect',
};

/** IAM prefix per SDK client package. */
const IAM_PREFIX: Record<string, string> = {
  '@aws-sdk/client-dynamodb': 'dynamodb',
  '@aws-sdk/client-sns': 'sns',
  '@aws-sdk/client-cognito-identity-provider': 'cognito-idp',
  '@aws-sdk/client-sesv2': 'ses',
  '@aws-sdk/client-ssm': 'ssm',
  '@aws-sdk/client-secrets-manager': 'secretsmanager',
  '@aws-sdk/client-kms': 'kms',
};

export function iamActionFor(sdkPackage: string, commandClass: string): string {
  if (sdkPackage === '@aws-sdk/lib-dynamodb') {
    const action = LIB_DYNAMODB[commandClass];
    if (!action) throw new Error(`map ${commandClass} of @aws-sdk/lib-dynamodb to its DynamoDB action`);
    return `dynamodb:${action}`;
  }
  const prefix = IAM_PREFIX[sdkPackage];
  if (!prefix) throw new Error(`map the AWS SDK package ${sdkPackage} to its IAM prefix`);
  return `${prefix}:${commandClass.replace(/Command$/, '')}`;
}

/** The item kinds of TransactWriteItems and the action each is authorised as. */
const TRANSACT_ITEM_ACTIONS: Record<string, string> = {
  Put: 'dynamodb:PutItem',
  Update: 'dynamodb:UpdateItem',
  Delete: 'dynamodb:DeleteItem',
  ConditionCheck: 'dynamodb:ConditionCheckItem',
};

/**
 * The item actions of a `new TransactWriteCommand(...)`: every `Put: / Update: / Delete: /
 * ConditionCheck:` property written in the function that builds it (the items are usually built
 * in variables just before). None found is an error, not an empty grant.
 */
function transactionItemActions(expression: ts.NewExpression): string[] {
  let scope: ts.Node = expression;
  while (scope.parent && !ts.isFunctionLike(scope)) scope = scope.parent;
  const actions = new Set<string>();
  const visit = (node: ts.Node): void => {
    if (ts.isPropertyAssignment(node) && ts.isIdentifier(node.name)) {
      const action = TRANSACT_ITEM_ACTIONS[node.name.text];
      if (action) actions.add(action);
    }
    ts.forEachChild(node, visit);
  };
  visit(scope);
  if (actions.size === 0) throw new Error('found no items of a TransactWriteCommand to map to IAM actions');
  return [...actions];
}

export interface SdkCall {
  action: string;
  /** `file:line` of the `new XxxCommand(` expression. */
  at: string;
}

function compilerOptions(): ts.CompilerOptions {
  const configPath = join(ROOT, 'tsconfig.json');
  const read = ts.readConfigFile(configPath, ts.sys.readFile);
  if (read.error) throw new Error(ts.flattenDiagnosticMessageText(read.error.messageText, '\n'));
  return ts.parseJsonConfigFileContent(read.config, ts.sys, dirname(configPath)).options;
}

const isProjectSource = (file: ts.SourceFile) =>
  !file.isDeclarationFile && resolve(file.fileName).startsWith(FUNCTIONS_DIR);

/**
 * The AWS calls reachable from each entry module (absolute paths). `virtualFiles` adds modules
 * that exist only in memory (absolute path -> source), for testing the analysis itself.
 */
export function sdkCallsOf(
  entries: string[],
  virtualFiles: Record<string, string> = {},
): Map<string, SdkCall[]> {
  const options = compilerOptions();
  const host = ts.createCompilerHost(options, true);
  const virtual = new Map(Object.entries(virtualFiles).map(([path, text]) => [resolve(path), text]));
  const { fileExists, readFile, getSourceFile } = host;
  host.fileExists = (path) => virtual.has(resolve(path)) || fileExists.call(host, path);
  host.readFile = (path) => virtual.get(resolve(path)) ?? readFile.call(host, path);
  host.getSourceFile = (path, language, onError, create) => {
    const text = virtual.get(resolve(path));
    return text === undefined
      ? getSourceFile.call(host, path, language, onError, create)
      : ts.createSourceFile(path, text, language, true);
  };
  const program = ts.createProgram({ rootNames: entries, options, host });
  const checker = program.getTypeChecker();
  const result = new Map<string, SdkCall[]>();
  for (const entry of entries) {
    const source = program.getSourceFile(entry);
    if (!source) throw new Error(`cannot read ${entry}`);
    result.set(entry, reachableCalls(source, checker));
  }
  return result;
}

function reachableCalls(entry: ts.SourceFile, checker: ts.TypeChecker): SdkCall[] {
  const calls: SdkCall[] = [];
  const visited = new Set<ts.Node>();
  const loaded = new Set<ts.SourceFile>();
  /** Nodes already walked (as part of an enclosing node or on their own). */
  const walked = new Set<ts.Node>();
  const queue: ts.Node[] = [entry];

  const enqueue = (node: ts.Node | undefined) => {
    if (node && !visited.has(node) && !walked.has(node)) {
      visited.add(node);
      queue.push(node);
    }
  };

  /** What runs when `declaration` is used: a body, an initializer, a class's construction. */
  const follow = (declaration: ts.Declaration) => {
    const file = declaration.getSourceFile();
    if (!isProjectSource(file)) return;
    if (ts.isClassDeclaration(declaration) || ts.isClassExpression(declaration)) {
      for (const member of declaration.members) {
        if (ts.isConstructorDeclaration(member)) enqueue(member);
        if (ts.isPropertyDeclaration(member)) enqueue(member.initializer);
      }
      for (const clause of declaration.heritageClauses ?? [])
        for (const type of clause.types) enqueue(type.expression);
      return;
    }
    if (
      ts.isFunctionDeclaration(declaration) ||
      ts.isMethodDeclaration(declaration) ||
      ts.isConstructorDeclaration(declaration) ||
      ts.isGetAccessorDeclaration(declaration) ||
      ts.isSetAccessorDeclaration(declaration) ||
      ts.isArrowFunction(declaration) ||
      ts.isFunctionExpression(declaration)
    ) {
      enqueue(declaration);
      return;
    }
    if (ts.isVariableDeclaration(declaration) || ts.isPropertyDeclaration(declaration)) {
      enqueue(declaration.initializer);
      return;
    }
    if (ts.isPropertyAssignment(declaration)) {
      enqueue(declaration.initializer);
      return;
    }
    if (ts.isShorthandPropertyAssignment(declaration)) {
      const value = checker.getShorthandAssignmentValueSymbol(declaration);
      for (const inner of value?.declarations ?? []) follow(inner);
      return;
    }
    if (ts.isSourceFile(declaration)) moduleTopLevel(declaration);
  };

  const resolveName = (node: ts.Node) => {
    let symbol = checker.getSymbolAtLocation(node);
    if (!symbol) return;
    if (symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
    for (const declaration of symbol.declarations ?? []) follow(declaration);
  };

  const recordCommand = (expression: ts.NewExpression) => {
    const type = checker.getTypeAtLocation(expression.expression);
    const symbol = type.getSymbol() ?? checker.getSymbolAtLocation(expression.expression);
    for (const declaration of symbol?.declarations ?? []) {
      const match = /node_modules\/(@aws-sdk\/[^/]+)\//.exec(
        declaration.getSourceFile().fileName.replace(/\\/g, '/'),
      );
      if (!match || !symbol?.name.endsWith('Command')) continue;
      const file = expression.getSourceFile();
      const { line } = file.getLineAndCharacterOfPosition(expression.getStart());
      const at = `${file.fileName.slice(ROOT.length + 1)}:${line + 1}`;
      const action = iamActionFor(match[1] as string, symbol.name);
      if (action === 'dynamodb:TransactWriteItems') {
        // Not an IAM action: a transaction is authorised item by item (PutItem, UpdateItem, ...).
        for (const itemAction of transactionItemActions(expression)) calls.push({ action: itemAction, at });
      } else {
        calls.push({ action, at });
      }
      return;
    }
  };

  const walk = (node: ts.Node): void => {
    if (walked.has(node)) return;
    walked.add(node);
    if (ts.isNewExpression(node)) recordCommand(node);
    if (ts.isIdentifier(node) || ts.isPrivateIdentifier(node)) resolveName(node);
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [specifier] = node.arguments;
      if (specifier) {
        const module = checker.getSymbolAtLocation(specifier);
        for (const declaration of module?.declarations ?? [])
          if (ts.isSourceFile(declaration)) moduleTopLevel(declaration);
      }
    }
    ts.forEachChild(node, walk);
  };

  /** What a module runs when it is loaded (statically or by `import()`): its top-level statements. */
  const moduleTopLevel = (file: ts.SourceFile) => {
    if (!isProjectSource(file) || loaded.has(file)) return;
    loaded.add(file);
    for (const statement of file.statements) {
      if (ts.isExpressionStatement(statement)) enqueue(statement);
      if (ts.isVariableStatement(statement))
        for (const declaration of statement.declarationList.declarations) enqueue(declaration.initializer);
      if (ts.isImportDeclaration(statement)) {
        const module = checker.getSymbolAtLocation(statement.moduleSpecifier);
        for (const declaration of module?.declarations ?? [])
          if (ts.isSourceFile(declaration)) moduleTopLevel(declaration);
      }
    }
  };

  moduleTopLevel(entry);
  // The entry module runs as a whole (it is what Lambda loads): walk all of it.
  enqueue(entry);
  while (queue.length > 0) walk(queue.shift() as ts.Node);
  return calls;
}
