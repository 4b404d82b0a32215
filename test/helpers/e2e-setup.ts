/**
 * jest setupFilesAfterEnv of the e2e project. A test here drives a whole local stack through real
 * clients (SRP in amazon-cognito-identity-js is pure JavaScript), so it gets more than jest's 5 s
 * default; `testTimeout` cannot be set per project, hence this file.
 */
jest.setTimeout(30_000);
