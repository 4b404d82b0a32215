/**
 * The local Lambda endpoint's name resolution (local/lambda.ts, pure): the FunctionName forms Lambda
 * takes, and what a name that is not one of the stack's functions gets. Over the wire, with the SDK
 * and the AWS CLI: test/e2e/stack-services.test.ts.
 */
import { findFunction, functionConfiguration, LambdaApiError } from '../../../local/lambda';

const fn = {
  name: 'svc-local-createAuthChallenge',
  arn: 'arn:aws:lambda:us-east-1:000000000000:function:svc-local-createAuthChallenge',
  environment: { OTP_TTL_SECONDS: '240' },
  memorySize: 256,
  timeoutSeconds: 6,
};
const other = { ...fn, name: 'svc-local-preSignUp', arn: fn.arn.replace('createAuthChallenge', 'preSignUp') };
const functions = [other, fn];

const failure = (name: string, qualifier?: string) => {
  try {
    findFunction(functions, name, qualifier);
  } catch (error) {
    if (error instanceof LambdaApiError)
      return { status: error.status, type: error.errorType, message: error.message };
    throw error;
  }
  throw new Error(`${name} was found`);
};

test.each([
  ['a name', fn.name, undefined, undefined],
  ['a full ARN', fn.arn, undefined, undefined],
  ['a partial ARN', `000000000000:function:${fn.name}`, undefined, undefined],
  ['a name with $LATEST', `${fn.name}:$LATEST`, undefined, '$LATEST'],
  ['an ARN with $LATEST', `${fn.arn}:$LATEST`, undefined, '$LATEST'],
  ['a name and the Qualifier $LATEST', fn.name, '$LATEST', '$LATEST'],
])('finds the function by %s', (_, name, qualifier, expected) => {
  expect(findFunction(functions, name, qualifier)).toEqual({ fn, qualifier: expected });
});

test.each([
  ['an unknown name', 'svc-local-nothing', undefined, 'svc-local-nothing'],
  ['a version', fn.name, '3', `${fn.name}:3`],
  ['an alias in the name', `${fn.name}:live`, undefined, `${fn.name}:live`],
  [
    'another region',
    fn.arn.replace('us-east-1', 'eu-west-1'),
    undefined,
    fn.arn.replace('us-east-1', 'eu-west-1'),
  ],
  [
    'another account',
    fn.arn.replace('000000000000', '111111111111'),
    undefined,
    fn.arn.replace('000000000000', '111111111111'),
  ],
])('%s: 404 ResourceNotFoundException naming what was asked', (_, name, qualifier, asked) => {
  expect(failure(name, qualifier)).toEqual({
    status: 404,
    type: 'ResourceNotFoundException',
    message: `Function not found: ${asked}`,
  });
});

test.each([
  ['spaces', 'bad name'],
  ['a slash', 'a/b'],
  ['too long', 'f'.repeat(171)],
  ['empty', ''],
])('a malformed name (%s): 400 ValidationException', (_, name) => {
  expect(failure(name)).toMatchObject({ status: 400, type: 'ValidationException' });
});

test('a qualifier in the name and another in the query: 400, as Lambda answers', () => {
  expect(failure(`${fn.name}:$LATEST`, '2')).toMatchObject({
    status: 400,
    type: 'InvalidParameterValueException',
  });
});

test('the configuration carries the environment as given, and the qualified ARN when asked with one', () => {
  expect(functionConfiguration(fn, undefined)).toMatchObject({
    FunctionName: fn.name,
    FunctionArn: fn.arn,
    Environment: { Variables: { OTP_TTL_SECONDS: '240' } },
  });
  expect(functionConfiguration(fn, '$LATEST').FunctionArn).toBe(`${fn.arn}:$LATEST`);
});
