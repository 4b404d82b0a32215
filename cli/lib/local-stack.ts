/**
 * The running local stack describes itself at `GET http://127.0.0.1:${PORT:-9229}/_local/stack`:
 * `{ userPoolId, clientId, region, stage, endpoints: { cognito, dynamodb, sns, ses, lambda }, tables: { invites, authState },
 *   triggers: { <Trigger>: <function name> }, emailSettings: { SECURITY_EMAIL_FROM, APP_NAME, ... } }`.
 * CLIs given `--local` read it to act on that stack instead of AWS.
 */
import * as z from 'zod/mini';
import { CliError } from './errors';

const localUrl = z.url({ protocol: /^https?$/ });

const nonEmpty = () => z.string().check(z.minLength(1));

const localStackSchema = z.looseObject({
  userPoolId: nonEmpty(),
  clientId: nonEmpty(),
  region: nonEmpty(),
  // `ses` and `lambda` are absent from a stack started before it had them: `awsTarget` then
  // refuses calls to that service.
  endpoints: z.looseObject({
    cognito: localUrl,
    dynamodb: localUrl,
    sns: localUrl,
    ses: z.optional(localUrl),
    lambda: z.optional(localUrl),
  }),
  tables: z.optional(z.partial(z.looseObject({ invites: nonEmpty(), authState: nonEmpty() }))),
  stage: z.optional(nonEmpty()),
  /** Trigger -> the function name attached to it. */
  triggers: z.optional(z.record(z.string(), z.string())),
  /** The emailing functions' email settings (SECURITY_EMAIL_FROM, APP_NAME, ...). */
  emailSettings: z.optional(z.record(z.string(), z.string())),
});
export type LocalStack = z.output<typeof localStackSchema>;

export const DEFAULT_LOCAL_PORT = 9229;

export function localStackUrl(env: Record<string, string | undefined>): string {
  const raw = env.PORT?.trim() || String(DEFAULT_LOCAL_PORT);
  const port = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new CliError(`PORT must be a port number from 1 to 65535 (got '${raw}')`, 2);
  }
  return `http://127.0.0.1:${port}/_local/stack`;
}

/** Reads the stack description; a stack that is not running is a clear one-line error. */
export async function fetchLocalStack(
  env: Record<string, string | undefined>,
  fetchImpl: typeof fetch = fetch,
): Promise<LocalStack> {
  const url = localStackUrl(env);
  let response: Response;
  try {
    response = await fetchImpl(url, { signal: AbortSignal.timeout(3000) });
  } catch {
    throw new CliError(`the local stack is not running at ${url} (start it with 'npm start', or set PORT)`);
  }
  if (!response.ok) {
    throw new CliError(
      `the local stack at ${url} answered HTTP ${response.status}; is something else on that port?`,
    );
  }
  const body: unknown = await response.json().catch(() => undefined);
  const parsed = localStackSchema.safeParse(body);
  if (!parsed.success) {
    throw new CliError(
      `the local stack at ${url} sent an unexpected description; is something else on that port?`,
    );
  }
  return parsed.data;
}
