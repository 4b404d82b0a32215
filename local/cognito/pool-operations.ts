/**
 * The operations that describe the pool itself (IAM-authorised in AWS): DescribeUserPool,
 * DescribeUserPoolClient, ListUserPools and ListUserPoolClients. The local server has one pool
 * and one app client, described from the CloudFormation Properties it was started with
 * (description.ts).
 */
import { userPoolClientType, userPoolType } from './description';
import { missingMember, resourceNotFound } from './errors';
import { checkPool, type Operation, type Pool, page, required } from './pool';

export const describeUserPool: Operation = async (pool, input) => {
  checkPool(pool, input);
  return { UserPool: userPoolType(pool.settings, facts(pool)) };
};

export const describeUserPoolClient: Operation = async (pool, input) => {
  checkPool(pool, input);
  const clientId = required(input, 'ClientId');
  if (clientId !== pool.settings.client.clientId) {
    throw resourceNotFound(`User pool client ${clientId} does not exist.`);
  }
  return { UserPoolClient: userPoolClientType(pool.settings, facts(pool)) };
};

/** ListUserPools: MaxResults (1-60) is required; the one pool, as UserPoolDescriptionType. */
export const listUserPools: Operation = async (pool, input) => {
  if (input.MaxResults === undefined || input.MaxResults === null) throw missingMember('maxResults');
  const { Id, Name, LambdaConfig, LastModifiedDate, CreationDate } = userPoolType(pool.settings, facts(pool));
  const { items, next } = page(
    [{ Id, Name, LambdaConfig, LastModifiedDate, CreationDate }],
    input,
    'MaxResults',
    'NextToken',
  );
  return { UserPools: items, ...(next ? { NextToken: next } : {}) };
};

/** ListUserPoolClients: the one app client, as UserPoolClientDescription. */
export const listUserPoolClients: Operation = async (pool, input) => {
  checkPool(pool, input);
  const { settings } = pool;
  const { items, next } = page(
    [
      {
        ClientId: settings.client.clientId,
        UserPoolId: settings.userPoolId,
        ClientName: settings.client.clientName,
      },
    ],
    input,
    'MaxResults',
    'NextToken',
  );
  return { UserPoolClients: items, ...(next ? { NextToken: next } : {}) };
};

function facts(pool: Pool) {
  return { createdAt: pool.store.createdAt, userCount: pool.store.list().length };
}
