/**
 * Powertools' Logger class, in a module of its own: `#shared/logger` loads it with `require` the
 * first time a line is written, so its modules do not run at a cold start that logs nothing.
 * Imported (not required) here so that esbuild bundles Powertools' ES module build, the smaller one.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { ConstructorOptions } from '@aws-lambda-powertools/logger/types';

export function createPowertoolsLogger(options: ConstructorOptions): Logger {
  return new Logger(options);
}
