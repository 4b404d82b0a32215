/** @type {import('jest').Config} */
const transform = { '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2023' } }] };
const common = {
  transform,
  // jose and a few others ship ESM only; let swc turn them into CommonJS for jest.
  transformIgnorePatterns: ['/node_modules/(?!(jose)/)'],
  setupFiles: ['<rootDir>/test/setup-env.ts'],
  testEnvironment: 'node',
};
module.exports = {
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
      setupFilesAfterEnv: ['aws-sdk-client-mock-jest'],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      globalSetup: '<rootDir>/test/helpers/dynamodb-local-global-setup.ts',
      globalTeardown: '<rootDir>/test/helpers/dynamodb-local-global-teardown.ts',
    },
    {
      ...common,
      // Runs `serverless package` offline and reads the CloudFormation template (no engines).
      displayName: 'package',
      testMatch: ['<rootDir>/test/package/**/*.test.ts'],
    },
    {
      ...common,
      // Whole local stacks (local/stack.ts), one per test file, on free loopback ports.
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/helpers/e2e-setup.ts'],
    },
    {
      ...common,
      // The local console and the example sign-in page in real headless Chromium (Debian's
      // chromium; .ci/run installs it), against a local stack. Screenshots: reports/browser/.
      displayName: 'browser',
      testMatch: ['<rootDir>/test/browser/**/*.test.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/helpers/e2e-setup.ts'],
    },
    {
      ...common,
      // Fuzz, races, retries, fault budget, log hygiene, IAM (docs/hardening.md). DynamoDB Local as
      // in `integration` (the same engine when both run); files that need a whole stack start their own.
      displayName: 'hardening',
      testMatch: ['<rootDir>/test/hardening/**/*.test.ts'],
      globalSetup: '<rootDir>/test/helpers/dynamodb-local-global-setup.ts',
      globalTeardown: '<rootDir>/test/helpers/dynamodb-local-global-teardown.ts',
      testTimeout: 60_000,
    },
  ],
};
