// Environment every test starts from. Nothing here may point at real AWS.
process.env.AWS_REGION ??= 'us-east-1';
process.env.AWS_ACCESS_KEY_ID ??= 'test';
process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
process.env.INVITES_TABLE ??= 'invites-test';
process.env.POWERTOOLS_SERVICE_NAME ??= 'cognito-auth-triggers';
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
process.env.POWERTOOLS_DEV ??= 'false';
// No metric lines on the test output; the metric tests turn them on for themselves.
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
process.env.AUTH_STATE_TABLE ??= 'auth-state-test';
// Node 20 is this machine's runtime; Lambda runs nodejs22.x. Silence the SDK's Node 20 notice in tests.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// Child processes, engines and stacks are slow on a loaded 2-core CI machine; a test that hangs
// still fails, just later. (Jest 30 ignores `testTimeout` inside a project entry.)
jest.setTimeout(30_000);
