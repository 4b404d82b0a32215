// Environment every test starts from. Nothing here may point at real AWS.
process.env.AWS_REGION ??= 'us-east-1';
process.env.AWS_ACCESS_KEY_ID ??= 'test';
process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
process.env.INVITES_TABLE ??= 'invites-test';
process.env.POWERTOOLS_SERVICE_NAME ??= 'cognito-auth-triggers';
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
process.env.POWERTOOLS_DEV ??= 'false';
