/**
 * The Standard Schema interface (https://standardschema.dev), the part this project uses: a
 * schema's `~standard.validate`, called synchronously. zod's schemas implement it, and so do the
 * few checks written without zod for a cold start's sake (`setting.*` of #shared/config, Define's
 * event check). `trigger()` and `readConfig()` take any of them and load no validator of their own.
 */

/** One problem found: zod's issues also carry `code` and `expected` or `values`, never the input. */
export interface SchemaIssue {
  readonly message: string;
  readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined;
  readonly code?: string;
  readonly expected?: string;
  readonly values?: readonly unknown[];
}

export type SchemaResult<Output> =
  | { readonly value: Output; readonly issues?: undefined }
  | { readonly issues: readonly SchemaIssue[] };

export interface StandardSchema<Input, Output> {
  readonly '~standard': {
    readonly version: 1;
    readonly vendor: string;
    readonly validate: (value: unknown) => SchemaResult<Output> | Promise<unknown>;
    readonly types?: { readonly input: Input; readonly output: Output } | undefined;
  };
}

export type InputOf<S> = S extends StandardSchema<infer I, unknown> ? I : never;
export type OutputOf<S> = S extends StandardSchema<unknown, infer O> ? O : never;

/** Validates `value`; a schema that answers asynchronously is a programming error here. */
export function validate<Output>(
  schema: StandardSchema<unknown, Output>,
  value: unknown,
): SchemaResult<Output> {
  const result = schema['~standard'].validate(value);
  if (result instanceof Promise) throw new Error('an asynchronous schema cannot be used here');
  return result;
}

/** `request.session.0.challengeName`: an issue's path as text. */
export function pathText(issue: SchemaIssue): string {
  return (issue.path ?? [])
    .map((segment) => String(typeof segment === 'object' ? segment.key : segment))
    .join('.');
}
