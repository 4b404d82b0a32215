/**
 * A dependency that accepts the connection and never answers: the invocation must still end,
 * with the generic message, and leave no unsent code behind. SNS here is the real SDK client
 * pointed at a silent TCP server on 127.0.0.1; DynamoDB is mocked.
 */

import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:net';
import { mockClient } from 'aws-sdk-client-mock';
import smsOtp from '../../../fixtures/create-auth-challenge.sms-otp.json';
import type { handler as Handler } from '../../../functions/create-auth-challenge/handler';

let server: Server;
const sockets = new Set<import('node:net').Socket>();

beforeAll(async () => {
  server = createServer((socket) => {
    sockets.add(socket); // hold it open, say nothing
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  process.env.AWS_ENDPOINT_URL_SNS = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  delete process.env.AWS_ENDPOINT_URL_SNS;
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

test('a silent SNS ends the invocation with the generic message; the unsent code is removed', async () => {
  let loaded!: {
    handler: typeof Handler;
    ddb: ReturnType<typeof mockClient>;
    Delete: new (...args: never[]) => unknown;
  };
  jest.isolateModules(() => {
    loaded = {
      handler: require('../../../functions/create-auth-challenge/handler').handler,
      ddb: mockClient(require('#shared/aws/dynamodb').dynamodb),
      Delete: require('@aws-sdk/lib-dynamodb').DeleteCommand,
    };
  });
  loaded.ddb.resolves({});
  await expect(loaded.handler(structuredClone(smsOtp) as Parameters<typeof Handler>[0])).rejects.toThrow(
    'Something went wrong, please try again',
  );
  expect(sockets.size).toBeGreaterThan(0);
  expect(loaded.ddb.commandCalls(loaded.Delete as never)).toHaveLength(1);
}, 10_000);
