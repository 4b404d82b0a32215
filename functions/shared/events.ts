/**
 * zod schemas for the parts of Cognito trigger events this project reads: one module per trigger
 * under `events/`, re-exported here for tests and tools.
 *
 * A handler imports its own module (`#shared/events/<trigger>`), never this one: a bundle then
 * builds only its trigger's schema at cold start. Importing this file builds all seven (esbuild
 * keeps every module a file re-exports, since building a schema is a call it cannot drop).
 */
export * from './events/base';
export * from './events/challenge-session';
export * from './events/create-auth-challenge';
export * from './events/custom-message';
export * from './events/define-auth-challenge';
export * from './events/post-confirmation';
export * from './events/pre-authentication';
export * from './events/pre-signup';
export * from './events/verify-auth-challenge';
