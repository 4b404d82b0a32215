/** The doctor's report: a checklist for people (every problem with why and fix) or JSON. */
import type { CodeLifetime } from './checks/code-lifetime';
import type { Finding, Severity } from './finding';
import type { DoctorTarget } from './target';

const LABEL: Record<Severity, string> = {
  blocking: 'BLOCKING',
  warning: 'warning',
  ok: 'ok',
  skipped: 'skipped',
};
const ORDER: Severity[] = ['blocking', 'warning', 'skipped', 'ok'];

export function counts(findings: readonly Finding[]): Record<Severity, number> {
  const result: Record<Severity, number> = { blocking: 0, warning: 0, ok: 0, skipped: 0 };
  for (const finding of findings) result[finding.severity]++;
  return result;
}

function where(target: DoctorTarget, lifetime: CodeLifetime | undefined) {
  return {
    userPoolId: target.userPoolId,
    clientId: target.clientId,
    stage: target.stage,
    endpoint: target.where,
    tables: target.tables,
    /** The code lifetime the auth session was checked against (null: none, the deployed one is invalid). */
    otpTtlSeconds: lifetime?.seconds ?? null,
    otpTtlSource: lifetime?.source ?? null,
  };
}

export function doctorJson(
  target: DoctorTarget,
  findings: readonly Finding[],
  lifetime: CodeLifetime | undefined,
): unknown {
  return { target: where(target, lifetime), counts: counts(findings), findings };
}

export function doctorText(target: DoctorTarget, findings: readonly Finding[]): string {
  const sorted = [...findings].sort((a, b) => ORDER.indexOf(a.severity) - ORDER.indexOf(b.severity));
  const lines = [
    `Checked user pool ${target.userPoolId}, app client ${target.clientId} (stage ${target.stage}, ${target.where}).`,
    '',
  ];
  for (const finding of sorted) {
    lines.push(`  ${LABEL[finding.severity].padEnd(8)}  ${finding.title}`);
    if (finding.why) lines.push(`            Why: ${finding.why}`);
    if (finding.fix) lines.push(`            Fix: ${finding.fix}`);
  }
  const n = counts(findings);
  lines.push(
    '',
    `${n.blocking} blocking, ${n.warning} warning${n.warning === 1 ? '' : 's'}, ${n.ok} ok${n.skipped ? `, ${n.skipped} skipped` : ''}.` +
      (n.blocking > 0 ? ' Fix the blocking findings before the triggers serve real users.' : ''),
  );
  return lines.join('\n');
}
