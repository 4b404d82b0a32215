/**
 * The administrator operations on groups: creating, reading, listing and deleting them, and
 * their members. A user's groups go into the `cognito:groups` claim of their next tokens.
 */
import { invalidParameter } from './errors';
import { findUser, userType } from './lifecycle';
import { checkPool, type Operation, optional, type Pool, page, required, seconds } from './pool';
import type { GroupRecord } from './store';

export const adminAddUserToGroup: Operation = async (pool, input) => {
  checkPool(pool, input);
  const groupName = required(input, 'GroupName');
  const user = findUser(pool, required(input, 'Username'));
  pool.store.addToGroup(user, groupName, pool.now());
  return {};
};

export const adminRemoveUserFromGroup: Operation = async (pool, input) => {
  checkPool(pool, input);
  const groupName = required(input, 'GroupName');
  const user = findUser(pool, required(input, 'Username'));
  pool.store.removeFromGroup(user, groupName, pool.now());
  return {};
};

export const adminListGroupsForUser: Operation = async (pool, input) => {
  checkPool(pool, input);
  const user = findUser(pool, required(input, 'Username'));
  return { Groups: pool.store.groupsOf(user).map((group) => groupType(pool, group)) };
};

export const createGroup: Operation = async (pool, input) => {
  checkPool(pool, input);
  const groupName = required(input, 'GroupName');
  if (!/^[\p{L}\p{M}\p{S}\p{N}\p{P}]{1,128}$/u.test(groupName)) {
    throw invalidParameter(
      "1 validation error detected: Value at 'groupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+",
    );
  }
  const precedence = input.Precedence;
  if (
    precedence !== undefined &&
    (typeof precedence !== 'number' || !Number.isInteger(precedence) || precedence < 0)
  ) {
    throw invalidParameter('Precedence must be a non-negative integer');
  }
  const now = pool.now();
  const group = pool.store.createGroup({
    groupName,
    description: optional(input, 'Description'),
    precedence: precedence as number | undefined,
    roleArn: optional(input, 'RoleArn'),
    createdAt: now,
    updatedAt: now,
  });
  return { Group: groupType(pool, group) };
};

export const getGroup: Operation = async (pool, input) => {
  checkPool(pool, input);
  return { Group: groupType(pool, pool.store.getGroup(required(input, 'GroupName'))) };
};

export const listGroups: Operation = async (pool, input) => {
  checkPool(pool, input);
  return { Groups: pool.store.listGroups().map((group) => groupType(pool, group)) };
};

/** DeleteGroup: the group goes, and with it every user's membership. */
export const deleteGroup: Operation = async (pool, input) => {
  checkPool(pool, input);
  pool.store.deleteGroup(required(input, 'GroupName'), pool.now());
  return {};
};

/** ListUsersInGroup: the group's members as UserType, Limit (1-60) and NextToken. */
export const listUsersInGroup: Operation = async (pool, input) => {
  checkPool(pool, input);
  const group = pool.store.getGroup(required(input, 'GroupName'));
  const members = pool.store.list().filter((user) => user.groups.includes(group.groupName));
  const { items, next } = page(members, input, 'Limit', 'NextToken');
  return { Users: items.map((user) => userType(user)), ...(next ? { NextToken: next } : {}) };
};

function groupType(pool: Pool, group: GroupRecord): Record<string, unknown> {
  return {
    GroupName: group.groupName,
    UserPoolId: pool.settings.userPoolId,
    ...(group.description !== undefined ? { Description: group.description } : {}),
    ...(group.roleArn !== undefined ? { RoleArn: group.roleArn } : {}),
    ...(group.precedence !== undefined ? { Precedence: group.precedence } : {}),
    LastModifiedDate: seconds(group.updatedAt),
    CreationDate: seconds(group.createdAt),
  };
}
