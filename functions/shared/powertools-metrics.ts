/**
 * Powertools' Metrics class, in a module of its own: `#shared/metrics` loads it with `require` the
 * first time something is counted, so a cold start that counts nothing (Define's, Create's on its
 * way to an SMS) runs none of it. Imported (not required) here so that esbuild bundles Powertools'
 * ES module build, the smaller one.
 */
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { MetricsOptions } from '@aws-lambda-powertools/metrics/types';

export function createPowertoolsMetrics(options: MetricsOptions): Metrics {
  return new Metrics(options);
}
