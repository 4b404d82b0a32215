/**
 * Counting what the triggers do, as CloudWatch metrics in the embedded metric format: each count
 * is one JSON log line that CloudWatch turns into a datum, no API call (docs/operations.md,
 * "Metrics"). Written by Powertools Metrics, in the one namespace, with the names, triggers and
 * reasons of `#shared/metric-catalog` only.
 *
 * - `countMetric(trigger, name, reason?)`: one datum of 1, with the dimensions `service` (the
 *   Powertools service name), `stage` (STAGE), `trigger` and, for a metric that has reasons,
 *   `reason` (a listed value, else `other`). Never a user, an email, a phone number or anything
 *   typed: those are not dimensions, and a reason outside the catalog's list is not written.
 * - `countRefusal` / `countFailure`: what the trigger wrapper counts for a refusal (a
 *   UserFacingError) or an unexpected error, so every trigger gets them with no code of its own.
 *
 * Powertools is loaded and constructed the first time something is counted (~10 ms), not at
 * start: Define's cold start on its success path counts nothing. One Metrics per trigger name,
 * because the local stack runs every trigger in one process. A count never fails the invocation:
 * if writing it throws, the error is logged and the sign-in goes on.
 */
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { logger } from '#shared/logger';
import { METRICS, METRICS_NAMESPACE, type MetricName, OTHER_REASON } from '#shared/metric-catalog';

const instances = new Map<string, Metrics>();

function metricsFor(trigger: string): Metrics {
  let metrics = instances.get(trigger);
  if (!metrics) {
    const powertools = require('#shared/powertools-metrics') as typeof import('#shared/powertools-metrics');
    metrics = powertools.createPowertoolsMetrics({
      namespace: METRICS_NAMESPACE,
      defaultDimensions: { stage: process.env.STAGE?.trim() || 'local', trigger },
    });
    instances.set(trigger, metrics);
  }
  return metrics;
}

/**
 * The `reason` dimension of a metric: the value when the catalog lists it, or the listed value it
 * starts with (`consume_revoked` -> `consume`), else `other`. Undefined for a metric without reasons.
 */
export function reasonOf(name: MetricName, reason: string | undefined): string | undefined {
  const definition = METRICS[name];
  if (!('reasons' in definition)) return undefined;
  const listed: readonly string[] = definition.reasons;
  if (reason === undefined) return OTHER_REASON;
  if (listed.includes(reason)) return reason;
  return listed.find((value) => reason.startsWith(`${value}_`)) ?? OTHER_REASON;
}

export function countMetric(trigger: string, name: MetricName, reason?: string): void {
  try {
    const metrics = metricsFor(trigger);
    const value = reasonOf(name, reason);
    // Two dimension sets: service, stage, trigger (the total) and, with a reason, that too.
    metrics.addDimensions({});
    if (value !== undefined) metrics.addDimensions({ reason: value });
    metrics.addMetric(name, 'Count', 1);
    metrics.publishStoredMetrics();
  } catch (error) {
    logger.warn('metric not written', {
      metric: name,
      error: error instanceof Error ? error.name : String(error),
    });
  }
}

/** A refusal (a UserFacingError, by its class name and logged reason): `Refusals`, and what it refused. */
export function countRefusal(trigger: string, error: { name: string; reason: string }): void {
  countMetric(trigger, 'Refusals', error.name);
  if (error.name === 'InvalidInvitationError') countMetric(trigger, 'InvitesRefused', error.reason);
  else if (error.name === 'SendLimitError') {
    countMetric(trigger, 'SendsRefused', error.reason.replace(/^send_limit_/, ''));
  } else if (error.name === 'SignInNotAllowedError') {
    countMetric(trigger, error.reason === 'suspended' ? 'SuspensionsDenied' : 'Lockouts');
  }
}

/** An unexpected error: `DependencyFailures` when AWS failed or the time budget ran out. */
export function countFailure(trigger: string, error: unknown): void {
  const { name, service } = (error ?? {}) as { name?: unknown; service?: unknown };
  if (name === 'DeadlineExceededError') countMetric(trigger, 'DependencyFailures', 'deadline');
  else if (name === 'DependencyError' && typeof service === 'string') {
    countMetric(trigger, 'DependencyFailures', service.toLowerCase());
  }
}
