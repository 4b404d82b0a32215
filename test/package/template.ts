/**
 * Reading a packaged CloudFormation template: IAM grants in a comparable form, and the resource
 * dependency graph (to prove the template has no cycle).
 */
import type { Resource, Template } from './package-service';

export interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asArray<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/**
 * `{ Fn::GetAtt: [X, Arn] }` -> `X`; `{ Ref: X }` -> `X`; `Fn::Sub` -> its string with its own
 * variables filled in; `Fn::Select` of an `Fn::Split` of a plain string -> the part it selects.
 */
export function describeTarget(value: unknown): string {
  if (typeof value === 'string') return value;
  if (isObject(value)) {
    const select = value['Fn::Select'];
    if (Array.isArray(select) && typeof select[0] === 'number' && isObject(select[1])) {
      const split = select[1]['Fn::Split'];
      if (Array.isArray(split) && typeof split[0] === 'string' && typeof split[1] === 'string') {
        return split[1].split(split[0])[select[0]] ?? JSON.stringify(value);
      }
    }
    const getAtt = value['Fn::GetAtt'];
    if (Array.isArray(getAtt) && getAtt[1] === 'Arn') return String(getAtt[0]);
    if (typeof value.Ref === 'string') return value.Ref;
    const sub = value['Fn::Sub'];
    if (typeof sub === 'string') return sub;
    if (Array.isArray(sub) && typeof sub[0] === 'string' && isObject(sub[1])) {
      const variables = sub[1];
      return sub[0].replace(/\$\{([^}]+)\}/g, (whole, name: string) =>
        name in variables ? describeTarget(variables[name]) : whole,
      );
    }
  }
  return JSON.stringify(value);
}

function statementsOf(document: unknown, owner: string): Statement[] {
  if (!isObject(document) || !Array.isArray(document.Statement)) {
    throw new Error(`${owner}: policy document without a Statement list`);
  }
  return document.Statement as Statement[];
}

/** Every IAM statement in the template, with the logical ID of the resource holding it. */
export function allStatements(template: Template): { owner: string; statement: Statement }[] {
  const found: { owner: string; statement: Statement }[] = [];
  for (const [id, resource] of Object.entries(template.Resources)) {
    if (resource.Type === 'AWS::IAM::Role') {
      for (const policy of asArray(resource.Properties.Policies as Json[] | undefined)) {
        for (const statement of statementsOf(policy.PolicyDocument, id)) found.push({ owner: id, statement });
      }
    }
    if (resource.Type === 'AWS::IAM::Policy' || resource.Type === 'AWS::IAM::ManagedPolicy') {
      for (const statement of statementsOf(resource.Properties.PolicyDocument, id)) {
        found.push({ owner: id, statement });
      }
    }
  }
  return found;
}

/** Logical IDs of the roles an `AWS::IAM::Policy` / `ManagedPolicy` is attached to. */
function attachedRoles(resource: Resource): string[] {
  return asArray(resource.Properties.Roles as unknown[] | undefined).map(describeTarget);
}

/**
 * A statement's Condition as text: `ForAllValues:StringLike dynamodb:LeadingKeys USER#*` (values
 * joined by `,`, several keys joined by ` and `, in the order written). Empty without a condition.
 */
export function describeCondition(condition: unknown): string {
  if (condition === undefined) return '';
  if (!isObject(condition))
    throw new Error(`a Condition must be an object, got ${JSON.stringify(condition)}`);
  const parts: string[] = [];
  for (const [operator, keys] of Object.entries(condition)) {
    if (!isObject(keys)) throw new Error(`Condition operator ${operator} must map keys to values`);
    for (const [key, values] of Object.entries(keys)) {
      parts.push(
        `${operator} ${key} ${asArray(values as unknown)
          .map(describeTarget)
          .join(',')}`,
      );
    }
  }
  return parts.join(' and ');
}

/**
 * What a role may do, as sorted `action on target` lines (`deny action on target` for Deny
 * statements, `... if <condition>` for a conditional statement, see `describeCondition`): its
 * inline policies plus every policy resource attached to it. Targets are described by
 * `describeTarget`.
 */
export function grantsOf(template: Template, roleId: string): string[] {
  const role = template.Resources[roleId];
  if (role?.Type !== 'AWS::IAM::Role') throw new Error(`${roleId} is not a role in the template`);
  const statements = allStatements(template)
    .filter(({ owner }) => {
      if (owner === roleId) return true;
      const resource = template.Resources[owner];
      return (
        resource !== undefined &&
        resource.Type !== 'AWS::IAM::Role' &&
        attachedRoles(resource).includes(roleId)
      );
    })
    .map(({ statement }) => statement);
  const lines = new Set<string>();
  for (const statement of statements) {
    const prefix = statement.Effect === 'Allow' ? '' : `${statement.Effect.toLowerCase()} `;
    const condition = describeCondition(statement.Condition);
    const suffix = condition ? ` if ${condition}` : '';
    for (const action of asArray(statement.Action)) {
      for (const target of asArray(statement.Resource)) {
        lines.add(`${prefix}${action} on ${describeTarget(target)}${suffix}`);
      }
    }
  }
  return [...lines].sort();
}

/** Logical IDs a value refers to through Ref, Fn::GetAtt or Fn::Sub. */
function referencesIn(value: unknown, into: Set<string>): void {
  if (Array.isArray(value)) {
    for (const item of value) referencesIn(item, into);
    return;
  }
  if (!isObject(value)) return;
  for (const [key, inner] of Object.entries(value)) {
    if (key === 'Ref' && typeof inner === 'string') into.add(inner);
    else if (key === 'Fn::GetAtt') {
      const target = Array.isArray(inner) ? inner[0] : String(inner).split('.')[0];
      into.add(String(target));
    } else if (key === 'Fn::Sub') {
      const [text, variables] = Array.isArray(inner) ? inner : [inner, {}];
      const own = isObject(variables) ? variables : {};
      for (const match of String(text).matchAll(/\$\{([^!}][^}]*)\}/g)) {
        const name = (match[1] ?? '').split('.')[0] ?? '';
        if (!(name in own)) into.add(name);
      }
      referencesIn(own, into);
    } else referencesIn(inner, into);
  }
}

/** A dependency cycle among the template's resources (as a path of logical IDs), or null. */
export function findCycle(template: Template): string[] | null {
  const edges = new Map<string, string[]>();
  for (const [id, resource] of Object.entries(template.Resources)) {
    const targets = new Set<string>(asArray(resource.DependsOn));
    referencesIn(resource.Properties, targets);
    edges.set(
      id,
      [...targets].filter((target) => target in template.Resources),
    );
  }
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  const visit = (id: string): string[] | null => {
    if (state.get(id) === 'done') return null;
    if (state.get(id) === 'visiting') return [...path.slice(path.indexOf(id)), id];
    state.set(id, 'visiting');
    path.push(id);
    for (const next of edges.get(id) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(id, 'done');
    return null;
  };
  for (const id of edges.keys()) {
    const cycle = visit(id);
    if (cycle) return cycle;
  }
  return null;
}

/** Every logical ID the template refers to that it defines neither as a resource nor as a parameter (pseudo parameters aside). */
export function danglingReferences(template: Template): string[] {
  const referenced = new Set<string>();
  for (const resource of Object.values(template.Resources)) {
    for (const id of asArray(resource.DependsOn)) referenced.add(id);
    referencesIn(resource.Properties, referenced);
  }
  referencesIn(template.Outputs ?? {}, referenced);
  const defined = (id: string) => id in template.Resources || id in (template.Parameters ?? {});
  return [...referenced].filter((id) => !id.startsWith('AWS::') && !defined(id)).sort();
}
