/**
 * What the local stack runs, read from the files that deploy: serverless.yml and the resource files
 * it includes (resources/user-pool.yml, resources/tables.yml). Nothing here is a copy of a setting:
 * the pool and client Properties, the table names, each function's handler and environment, and
 * which function is attached to which trigger all come from those files, with the variables
 * resolved to local values.
 *
 * Two layers are resolved, as in a deployment:
 * 1. Serverless variables: `${self:...}`, `${sls:stage}`, `${opt:stage, 'dev'}`, `${param:...}`
 *    (the `params` block, per stage then `default`), `${env:...}`, `${aws:region}`,
 *    `${aws:accountId}`, `${file(...)}` / `${file(...):address}`, `${strToBool(...)}`, with
 *    comma-separated fallbacks and nesting. Sources that need AWS (`ssm`, `cf`, `s3`, ...) resolve
 *    to nothing, so their fallback is used, or the error names the variable.
 * 2. CloudFormation intrinsics in the values the stack needs (`Ref`, `Fn::GetAtt`, `Fn::Sub`,
 *    `Fn::Join`, `Fn::Select`, `Fn::Split`, `Fn::If` with the template's Conditions, `AWS::*`
 *    pseudo parameters), evaluated against local names: a table's Ref is its TableName, the pool's
 *    Ref its local ID, ARNs are built for the local account `000000000000`.
 * Short-form tags (`!Ref`, `!GetAtt`, `!Sub`, ...) are read as their long forms.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve as resolvePath } from 'node:path';
import { parse, type Tags } from 'yaml';

/** The Cognito triggers the local pool can run. */
export const SUPPORTED_TRIGGERS = [
  'PreSignUp',
  'PostConfirmation',
  'PreAuthentication',
  'CustomMessage',
  'DefineAuthChallenge',
  'CreateAuthChallenge',
  'VerifyAuthChallengeResponse',
] as const;
export type SupportedTrigger = (typeof SUPPORTED_TRIGGERS)[number];

export const LOCAL_ACCOUNT_ID = '000000000000';

export interface LocalFunction {
  /** The key under `functions:` in serverless.yml. */
  key: string;
  /** The deployed function name (`<service>-<stage>-<key>` unless `name:` is set). */
  name: string;
  /** CloudFormation logical ID serverless gives it (`PreSignUpLambdaFunction`). */
  logicalId: string;
  arn: string;
  /** Absolute path of the handler module without extension, and the exported function's name. */
  modulePath: string;
  exportName: string;
  /** provider.environment merged with the function's own environment, all strings. */
  environment: Record<string, string>;
  memorySize: number;
  timeoutSeconds: number;
  triggers: SupportedTrigger[];
}

export interface LocalDefinitions {
  service: string;
  stage: string;
  region: string;
  userPoolId: string;
  clientId: string;
  /** The UserPool resource's Properties with every variable and intrinsic evaluated. */
  pool: Record<string, unknown>;
  /** The UserPoolClient resource's Properties, evaluated likewise. */
  client: Record<string, unknown>;
  /** Table logical ID -> physical table name (e.g. InvitesTable -> cognito-auth-triggers-local-invites). */
  tables: Record<string, string>;
  functions: LocalFunction[];
  /** Triggers named in the pool or in function events that the local pool does not run. */
  unsupportedTriggers: string[];
}

export interface LoadOptions {
  /** Folder holding serverless.yml (default: the repository root). */
  root?: string;
  stage: string;
  /** Overrides provider.region. */
  region?: string;
  userPoolId: (context: { service: string; stage: string; region: string }) => string;
  clientId: (context: { service: string; stage: string; region: string }) => string;
  /** `--param key=value` equivalents; win over the `params` block. */
  params?: Record<string, string>;
  /** What `${env:...}` reads (default process.env). */
  env?: Record<string, string | undefined>;
}

export class LocalConfigError extends Error {
  override name = 'LocalConfigError';
}

type Json = unknown;
type JsonMap = Record<string, Json>;

const isMap = (value: Json): value is JsonMap =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

// ---------------------------------------------------------------------------------------------
// YAML with CloudFormation short-form tags

const INTRINSICS = [
  'Base64',
  'Cidr',
  'FindInMap',
  'GetAtt',
  'GetAZs',
  'ImportValue',
  'Join',
  'Select',
  'Split',
  'Sub',
  'And',
  'Equals',
  'If',
  'Not',
  'Or',
];

const cloudFormationTags: Tags = [
  { tag: '!Ref', resolve: (value: string) => ({ Ref: value }) },
  { tag: '!Condition', resolve: (value: string) => ({ Condition: value }) },
  ...INTRINSICS.flatMap((name) => [
    {
      tag: `!${name}`,
      resolve: (value: string) => ({ [`Fn::${name}`]: name === 'GetAtt' ? value.split('.') : value }),
    },
    {
      tag: `!${name}`,
      collection: 'seq' as const,
      resolve: (value: { toJSON(): unknown }) => ({ [`Fn::${name}`]: value.toJSON() }),
    },
    {
      tag: `!${name}`,
      collection: 'map' as const,
      resolve: (value: { toJSON(): unknown }) => ({ [`Fn::${name}`]: value.toJSON() }),
    },
  ]),
] as unknown as Tags;

export function readYaml(file: string): Json {
  try {
    return parse(readFileSync(file, 'utf8'), { customTags: cloudFormationTags }) as Json;
  } catch (error) {
    throw new LocalConfigError(`cannot read ${file}: ${(error as Error).message}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Serverless variables

interface VariableContext {
  root: JsonMap;
  baseDir: string;
  stage: string;
  /** `${aws:region}`: the region the stack is resolved for. */
  region: string;
  /** `${opt:region}`: only what the command line gave (else the fallback applies). */
  optRegion: string | undefined;
  params: Record<string, string>;
  env: Record<string, string | undefined>;
  depth: number;
}

const MAX_DEPTH = 40;

/** Resolves every serverless variable in a value (deeply). */
function resolveDeep(value: Json, ctx: VariableContext): Json {
  if (typeof value === 'string') return resolveString(value, ctx);
  if (Array.isArray(value)) return value.map((item) => resolveDeep(item, ctx));
  if (isMap(value)) {
    const out: JsonMap = {};
    for (const [key, item] of Object.entries(value)) out[key] = resolveDeep(item, ctx);
    return out;
  }
  return value;
}

/** Finds the `}` matching the `${` at `start`, skipping nested `${...}` and quoted text. */
function matchingBrace(text: string, start: number): number {
  let depth = 0;
  let quote: string | undefined;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = undefined;
      continue;
    }
    if (c === '$' && text[i + 1] === '{') {
      depth++;
      i++;
    } else if (c === '}') {
      depth--;
      if (depth === 0) return i;
    } else if ((c === "'" || c === '"') && depth > 0) {
      quote = c;
    }
  }
  return -1;
}

/**
 * `${Name}`, `${Name.Attr}`, `${AWS::Region}` and the literal `${!Text}` belong to CloudFormation's
 * Fn::Sub, not to serverless.
 */
function isCloudFormationPlaceholder(inner: string): boolean {
  return (
    /^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$/.test(inner) || inner.startsWith('AWS::') || inner.startsWith('!')
  );
}

function resolveString(text: string, ctx: VariableContext): Json {
  let out = '';
  let index = 0;
  let sole: Json;
  let pieces = 0;
  while (index < text.length) {
    const start = text.indexOf('${', index);
    if (start === -1) break;
    const end = matchingBrace(text, start);
    if (end === -1) break;
    const inner = text.slice(start + 2, end);
    out += text.slice(index, start);
    if (isCloudFormationPlaceholder(inner)) {
      out += text.slice(start, end + 1);
    } else {
      const value = resolveExpression(inner, ctx);
      if (start === 0 && end === text.length - 1) sole = value;
      out += typeof value === 'string' ? value : JSON.stringify(value);
      pieces++;
    }
    index = end + 1;
  }
  if (pieces === 0) return text;
  if (sole !== undefined) return sole;
  return out + text.slice(index);
}

/** Splits on commas that are not inside quotes, parentheses or nested variables. */
function splitAlternatives(inner: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let current = '';
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i] as string;
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"') {
      quote = c;
    } else if (c === '{' || c === '(') {
      depth++;
    } else if (c === '}' || c === ')') {
      depth--;
    } else if (c === ',' && depth === 0) {
      parts.push(current.trim());
      current = '';
      continue;
    }
    current += c;
  }
  parts.push(current.trim());
  return parts;
}

function resolveExpression(inner: string, ctx: VariableContext): Json {
  if (ctx.depth > MAX_DEPTH) throw new LocalConfigError(`circular serverless variable: \${${inner}}`);
  const nested = { ...ctx, depth: ctx.depth + 1 };
  for (const alternative of splitAlternatives(inner)) {
    const value = resolveAlternative(alternative, nested);
    if (value !== undefined && value !== null) return value;
  }
  throw new LocalConfigError(
    `cannot resolve \${${inner}} locally: give it a fallback (\${source:address, 'value'}) or a local param`,
  );
}

function resolveAlternative(alternative: string, ctx: VariableContext): Json {
  const quoted = /^(['"])([\s\S]*)\1$/.exec(alternative);
  if (quoted) return resolveString(quoted[2] as string, ctx);
  if (/^-?\d+(\.\d+)?$/.test(alternative)) return Number(alternative);
  if (alternative === 'true' || alternative === 'false') return alternative === 'true';
  if (alternative.startsWith('${')) return resolveString(alternative, ctx);

  const call = /^(file|strToBool)\(([^)]*)\)(?::(.+))?$/.exec(alternative);
  if (call) {
    const argument = String(resolveString((call[2] as string).trim(), ctx)).replace(/^(['"])(.*)\1$/, '$2');
    if (call[1] === 'strToBool') return ['true', '1'].includes(argument.trim().toLowerCase());
    const file = isAbsolute(argument) ? argument : resolvePath(ctx.baseDir, argument);
    const content = readYaml(file);
    const address = call[3] ? String(resolveString(call[3], ctx)) : '';
    return resolveDeep(lookup(content, address), ctx);
  }

  const colon = alternative.indexOf(':');
  if (colon === -1) throw new LocalConfigError(`unknown serverless variable \${${alternative}}`);
  const source = alternative.slice(0, colon);
  const address = String(resolveString(alternative.slice(colon + 1), ctx));
  switch (source) {
    case 'self':
      return resolveSelf(address, ctx);
    case 'sls':
      if (address === 'stage') return ctx.stage;
      if (address === 'instanceId') return 'local';
      return undefined;
    case 'opt':
      if (address === 'stage') return ctx.stage;
      if (address === 'region') return ctx.optRegion;
      return undefined;
    case 'param':
      return paramValue(address, ctx);
    case 'env':
      return ctx.env[address];
    case 'aws':
      if (address === 'region') return ctx.region;
      if (address === 'accountId') return LOCAL_ACCOUNT_ID;
      return undefined;
    default:
      // ssm, cf, s3, sls outputs...: they need an AWS account, so locally only their fallback applies.
      return undefined;
  }
}

function paramValue(name: string, ctx: VariableContext): Json {
  if (ctx.params[name] !== undefined) return ctx.params[name];
  const params = ctx.root.params;
  if (!isMap(params)) return undefined;
  for (const scope of [ctx.stage, 'default']) {
    const block = params[scope];
    if (isMap(block) && block[name] !== undefined) return resolveDeep(block[name], ctx);
  }
  return undefined;
}

/** `self:a.b.c`: walk serverless.yml, resolving each step (a step may itself be a variable). */
function resolveSelf(address: string, ctx: VariableContext): Json {
  let node: Json = ctx.root;
  for (const segment of address.split('.').filter((s) => s.length > 0)) {
    if (typeof node === 'string') node = resolveString(node, ctx);
    if (Array.isArray(node) && /^\d+$/.test(segment)) node = node[Number(segment)];
    else if (isMap(node)) node = node[segment];
    else return undefined;
  }
  return resolveDeep(node, ctx);
}

function lookup(content: Json, address: string): Json {
  let node = content;
  for (const segment of address.split('.').filter((s) => s.length > 0)) {
    if (!isMap(node)) return undefined;
    node = node[segment];
  }
  return node;
}

// ---------------------------------------------------------------------------------------------
// CloudFormation intrinsics, evaluated against local names

interface CfnContext {
  region: string;
  stackName: string;
  resources: Record<string, { Type?: string; Properties?: JsonMap }>;
  conditions: JsonMap;
  /** Logical ID -> what `Ref` returns (tables, pool, client, functions). */
  refs: Record<string, string>;
  /** Logical ID -> attribute -> value (Arn, ProviderName, ...). */
  attributes: Record<string, Record<string, string>>;
}

const NO_VALUE = Symbol('AWS::NoValue');

function pseudo(name: string, ctx: CfnContext): string | typeof NO_VALUE | undefined {
  switch (name) {
    case 'AWS::Region':
      return ctx.region;
    case 'AWS::AccountId':
      return LOCAL_ACCOUNT_ID;
    case 'AWS::Partition':
      return 'aws';
    case 'AWS::URLSuffix':
      return 'amazonaws.com';
    case 'AWS::StackName':
      return ctx.stackName;
    case 'AWS::StackId':
      return `arn:aws:cloudformation:${ctx.region}:${LOCAL_ACCOUNT_ID}:stack/${ctx.stackName}/local`;
    case 'AWS::NoValue':
      return NO_VALUE;
    default:
      return undefined;
  }
}

function ref(name: string, ctx: CfnContext): string | typeof NO_VALUE {
  const value = pseudo(name, ctx) ?? ctx.refs[name];
  if (value === undefined) throw new LocalConfigError(`Ref ${name} has no local value`);
  return value;
}

function getAtt(name: string, attribute: string, ctx: CfnContext): string {
  const value = ctx.attributes[name]?.[attribute];
  if (value !== undefined) return value;
  const type = ctx.resources[name]?.Type ?? 'unknown';
  // Anything else (roles, topics, keys): a well-formed placeholder ARN the local stack never calls.
  if (attribute === 'Arn') return `arn:aws:local:${ctx.region}:${LOCAL_ACCOUNT_ID}:${type}/${name}`;
  throw new LocalConfigError(`Fn::GetAtt ${name}.${attribute} has no local value`);
}

function evaluateCondition(name: string, ctx: CfnContext): boolean {
  const condition = ctx.conditions[name];
  if (condition === undefined) throw new LocalConfigError(`unknown CloudFormation condition ${name}`);
  return Boolean(evaluate(condition, ctx));
}

function substitute(template: string, variables: JsonMap, ctx: CfnContext): string {
  return template.replace(/\$\{([^}]+)\}/g, (whole, name: string) => {
    if (name.startsWith('!')) return `\${${name.slice(1)}}`;
    if (name in variables) return String(evaluate(variables[name], ctx));
    if (name.includes('.') && !name.startsWith('AWS::')) {
      const [resource, ...attribute] = name.split('.');
      return getAtt(resource as string, attribute.join('.'), ctx);
    }
    const value = ref(name, ctx);
    return value === NO_VALUE ? whole : value;
  });
}

function evaluate(value: Json, ctx: CfnContext): Json | typeof NO_VALUE {
  if (Array.isArray(value)) {
    return value.map((item) => evaluate(item, ctx)).filter((item) => item !== NO_VALUE);
  }
  if (!isMap(value)) return value;
  const keys = Object.keys(value);
  if (keys.length === 1) {
    const key = keys[0] as string;
    const arg = value[key];
    switch (key) {
      case 'Ref':
        return ref(String(arg), ctx);
      case 'Condition':
        return evaluateCondition(String(arg), ctx);
      case 'Fn::GetAtt': {
        const [name, ...attribute] = Array.isArray(arg) ? arg.map(String) : String(arg).split('.');
        return getAtt(name as string, attribute.join('.'), ctx);
      }
      case 'Fn::Sub': {
        if (typeof arg === 'string') return substitute(arg, {}, ctx);
        const [template, variables] = arg as [string, JsonMap];
        return substitute(template, variables ?? {}, ctx);
      }
      case 'Fn::Join': {
        const [separator, items] = arg as [string, Json];
        const list = evaluate(items, ctx) as Json[];
        return list.map(String).join(separator);
      }
      case 'Fn::Select': {
        const [index, items] = arg as [Json, Json];
        return (evaluate(items, ctx) as Json[])[Number(evaluate(index, ctx))];
      }
      case 'Fn::Split': {
        const [separator, text] = arg as [string, Json];
        return String(evaluate(text, ctx)).split(separator);
      }
      case 'Fn::If': {
        const [condition, whenTrue, whenFalse] = arg as [string, Json, Json];
        return evaluate(evaluateCondition(condition, ctx) ? whenTrue : whenFalse, ctx);
      }
      case 'Fn::Equals': {
        const [left, right] = evaluate(arg, ctx) as [Json, Json];
        return JSON.stringify(left) === JSON.stringify(right);
      }
      case 'Fn::Not':
        return !(evaluate(arg, ctx) as Json[])[0];
      case 'Fn::And':
        return (evaluate(arg, ctx) as Json[]).every(Boolean);
      case 'Fn::Or':
        return (evaluate(arg, ctx) as Json[]).some(Boolean);
      case 'Fn::Base64':
        return Buffer.from(String(evaluate(arg, ctx))).toString('base64');
      default:
        if (key.startsWith('Fn::')) throw new LocalConfigError(`${key} is not supported by the local stack`);
    }
  }
  const out: JsonMap = {};
  for (const [key, item] of Object.entries(value)) {
    const evaluated = evaluate(item, ctx);
    if (evaluated !== NO_VALUE) out[key] = evaluated;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Putting it together

/** serverless's logical ID for a function key: `preSignUp` -> `PreSignUpLambdaFunction`. */
export function functionLogicalId(key: string): string {
  const normalised = key.replace(/-/g, 'Dash').replace(/_/g, 'Underscore');
  return `${normalised.charAt(0).toUpperCase()}${normalised.slice(1)}LambdaFunction`;
}

function asString(value: Json, what: string): string {
  if (typeof value === 'string' && value.length > 0) return value;
  throw new LocalConfigError(`${what} must be a string, got ${JSON.stringify(value)}`);
}

/** Merges `resources` (a map, or a list of maps such as `${file(...)}` includes). */
function collectResources(resources: Json): { Resources: JsonMap; Conditions: JsonMap } {
  const blocks = Array.isArray(resources) ? resources : resources === undefined ? [] : [resources];
  const merged = { Resources: {} as JsonMap, Conditions: {} as JsonMap };
  for (const block of blocks) {
    if (!isMap(block)) continue;
    Object.assign(merged.Resources, isMap(block.Resources) ? block.Resources : {});
    Object.assign(merged.Conditions, isMap(block.Conditions) ? block.Conditions : {});
  }
  return merged;
}

function findOne(resources: JsonMap, type: string): [string, { Properties?: JsonMap }] {
  const found = Object.entries(resources).filter(([, r]) => isMap(r) && r.Type === type);
  if (found.length !== 1) {
    throw new LocalConfigError(
      `expected exactly one ${type} in the stack's resources, found ${found.length}`,
    );
  }
  return found[0] as [string, { Properties?: JsonMap }];
}

/** Reads serverless.yml and everything it includes into what the local stack needs. */
export function loadDefinitions(options: LoadOptions): LocalDefinitions {
  const root = options.root ?? join(__dirname, '..');
  const file = join(root, 'serverless.yml');
  const raw = readYaml(file);
  if (!isMap(raw)) throw new LocalConfigError(`${file} is not a YAML map`);

  const env = options.env ?? process.env;
  const base: VariableContext = {
    root: raw,
    baseDir: dirname(file),
    stage: options.stage,
    region: options.region ?? 'us-east-1',
    optRegion: options.region,
    params: options.params ?? {},
    env,
    depth: 0,
  };
  const provider = isMap(raw.provider) ? raw.provider : {};
  const region =
    options.region ??
    (provider.region === undefined
      ? 'us-east-1'
      : asString(resolveDeep(provider.region, base), 'provider.region'));
  const ctx: VariableContext = { ...base, region };
  const service = asString(resolveDeep(isMap(raw.service) ? raw.service.name : raw.service, ctx), 'service');
  const stage = options.stage;

  const { Resources, Conditions } = collectResources(resolveDeep(raw.resources, ctx));
  const resolvedProvider = resolveDeep(provider, ctx) as JsonMap;
  const functionsBlock = (resolveDeep(raw.functions ?? {}, ctx) ?? {}) as JsonMap;

  const ids = { service, stage, region };
  const userPoolId = options.userPoolId(ids);
  const clientId = options.clientId(ids);
  const [poolLogicalId, poolResource] = findOne(Resources, 'AWS::Cognito::UserPool');
  const [clientLogicalId, clientResource] = findOne(Resources, 'AWS::Cognito::UserPoolClient');

  const cfn: CfnContext = {
    region,
    stackName: `${service}-${stage}`,
    resources: Resources as CfnContext['resources'],
    conditions: Conditions,
    refs: { [poolLogicalId]: userPoolId, [clientLogicalId]: clientId },
    attributes: {
      [poolLogicalId]: {
        Arn: `arn:aws:cognito-idp:${region}:${LOCAL_ACCOUNT_ID}:userpool/${userPoolId}`,
        ProviderName: `cognito-idp.${region}.amazonaws.com/${userPoolId}`,
        ProviderURL: `https://cognito-idp.${region}.amazonaws.com/${userPoolId}`,
        UserPoolId: userPoolId,
      },
      [clientLogicalId]: { ClientId: clientId },
    },
  };

  const tables: Record<string, string> = {};
  for (const [id, resource] of Object.entries(Resources)) {
    if (!isMap(resource) || resource.Type !== 'AWS::DynamoDB::Table') continue;
    const properties = (resource.Properties ?? {}) as JsonMap;
    const name = properties.TableName === undefined ? `${service}-${stage}-${id}` : properties.TableName;
    tables[id] = asString(evaluate(name, cfn), `${id}.TableName`);
    cfn.refs[id] = tables[id];
    cfn.attributes[id] = { Arn: `arn:aws:dynamodb:${region}:${LOCAL_ACCOUNT_ID}:table/${tables[id]}` };
  }

  const functionKeys = Object.keys(functionsBlock);
  for (const key of functionKeys) {
    const definition = (functionsBlock[key] ?? {}) as JsonMap;
    const name = typeof definition.name === 'string' ? definition.name : `${service}-${stage}-${key}`;
    const logicalId = functionLogicalId(key);
    cfn.refs[logicalId] = name;
    cfn.attributes[logicalId] = { Arn: `arn:aws:lambda:${region}:${LOCAL_ACCOUNT_ID}:function:${name}` };
  }

  const providerEnvironment = (evaluate(resolvedProvider.environment ?? {}, cfn) ?? {}) as JsonMap;
  const functions: LocalFunction[] = functionKeys.map((key) => {
    const definition = (functionsBlock[key] ?? {}) as JsonMap;
    const handler = asString(definition.handler, `functions.${key}.handler`);
    const dot = handler.lastIndexOf('.');
    if (dot <= 0) throw new LocalConfigError(`functions.${key}.handler must look like path/file.export`);
    const environment: Record<string, string> = {};
    const own = (evaluate(definition.environment ?? {}, cfn) ?? {}) as JsonMap;
    for (const [name, value] of Object.entries({ ...providerEnvironment, ...own })) {
      environment[name] = typeof value === 'string' ? value : JSON.stringify(value);
    }
    const logicalId = functionLogicalId(key);
    return {
      key,
      name: cfn.refs[logicalId] as string,
      logicalId,
      arn: cfn.attributes[logicalId]?.Arn as string,
      modulePath: resolvePath(root, handler.slice(0, dot)),
      exportName: handler.slice(dot + 1),
      environment,
      memorySize: Number(definition.memorySize ?? resolvedProvider.memorySize ?? 1024),
      timeoutSeconds: Number(definition.timeout ?? resolvedProvider.timeout ?? 6),
      triggers: [],
    };
  });

  const pool = evaluate(poolResource.Properties ?? {}, cfn) as JsonMap;
  const client = evaluate(clientResource.Properties ?? {}, cfn) as JsonMap;
  const unsupportedTriggers = attachTriggers(functions, functionsBlock, pool);
  // Serverless merges the `cognitoUserPool` events into the pool's LambdaConfig; so do we.
  const lambdaConfig = isMap(pool.LambdaConfig) ? pool.LambdaConfig : {};
  for (const fn of functions) for (const trigger of fn.triggers) lambdaConfig[trigger] ??= fn.arn;
  if (Object.keys(lambdaConfig).length > 0) pool.LambdaConfig = lambdaConfig;

  return {
    service,
    stage,
    region,
    userPoolId,
    clientId,
    pool,
    client,
    tables,
    functions,
    unsupportedTriggers,
  };
}

/**
 * Which function runs for which trigger, from both places serverless lets a project say it: the
 * pool's `LambdaConfig` (ARNs) and the functions' `cognitoUserPool` events. Returns the triggers
 * named that the local pool does not run (e.g. PreTokenGeneration).
 */
function attachTriggers(functions: LocalFunction[], functionsBlock: JsonMap, pool: JsonMap): string[] {
  const byTrigger = new Map<string, LocalFunction>();
  const unsupported = new Set<string>();
  const attach = (trigger: string, fn: LocalFunction, where: string) => {
    if (!(SUPPORTED_TRIGGERS as readonly string[]).includes(trigger)) {
      unsupported.add(trigger);
      return;
    }
    const existing = byTrigger.get(trigger);
    if (existing && existing !== fn) {
      throw new LocalConfigError(`${trigger} is attached to both ${existing.key} and ${fn.key} (${where})`);
    }
    byTrigger.set(trigger, fn);
  };

  const lambdaConfig = isMap(pool.LambdaConfig) ? pool.LambdaConfig : {};
  for (const [trigger, value] of Object.entries(lambdaConfig)) {
    if (trigger === 'KMSKeyID') continue;
    const arn = isMap(value) ? value.LambdaArn : value;
    const fn = functions.find((f) => f.arn === arn);
    if (!fn) {
      unsupported.add(trigger);
      continue;
    }
    attach(trigger, fn, 'LambdaConfig');
  }
  for (const fn of functions) {
    const events = (functionsBlock[fn.key] as JsonMap | undefined)?.events;
    for (const event of Array.isArray(events) ? events : []) {
      if (!isMap(event) || !isMap(event.cognitoUserPool)) continue;
      attach(
        asString(event.cognitoUserPool.trigger, `functions.${fn.key} cognitoUserPool trigger`),
        fn,
        'events',
      );
    }
  }
  for (const [trigger, fn] of byTrigger) fn.triggers.push(trigger as SupportedTrigger);
  return [...unsupported];
}
