/** How a sensor is doing, worst first. */
export const HEALTH_STATUSES = ['no-data', 'offline', 'poor', 'degraded', 'ok'] as const;
export type HealthStatus = (typeof HEALTH_STATUSES)[number];

/** A sensor's health: a status, the reasons for it, and counts of quality flags. */
export interface Health {
  status: HealthStatus;
  /** One sentence per finding, worst first; empty when all is well. */
  reasons: string[];
  /**
   * Readings flagged by quality control in the window, by flag name. Empty
   * until quality control records per-reading flags; then each flag counts
   * here and a flagged value stops counting as valid.
   */
  flags: Record<string, number>;
}

/** What health is judged from, per parameter of one sensor. */
export interface HealthInput {
  parameter: string;
  /** valid / expected in the window; null when nothing was expected. */
  completeness: number | null;
  /** Missing readings in the window without an imputation. */
  unfilled: number;
  /** The parameter's latest reading. */
  lastTs: Date | null;
}

/** Thresholds of the health judgement. */
export interface HealthRules {
  /** Below this completeness a sensor is `degraded`. @default 0.9 */
  degradedBelow: number;
  /** Below this it is `poor`. @default 0.5 */
  poorBelow: number;
  /** Silent this long before the network's latest reading: `offline`. @default 24 h */
  offlineAfterMs: number;
}

export const DEFAULT_HEALTH_RULES: HealthRules = { degradedBelow: 0.9, poorBelow: 0.5, offlineAfterMs: 24 * 3_600_000 };

const rank = (status: HealthStatus) => HEALTH_STATUSES.indexOf(status);
const percent = (share: number) => `${(100 * share).toFixed(share < 0.995 && share > 0.985 ? 1 : 0)}%`;

/**
 * Judges one sensor from its parameters: silent for a day while the network
 * reported (`offline`), too few valid readings (`poor`, `degraded`), or
 * `ok`. Times are judged against the network's latest reading, not the
 * clock, so an archive of old data is not "offline" for being old.
 */
export function judgeHealth(parameters: readonly HealthInput[], networkLatest: Date | null, rules: HealthRules = DEFAULT_HEALTH_RULES): Health {
  const findings: { status: HealthStatus; reason: string }[] = [];
  const last = parameters.reduce<Date | null>((latest, p) => (p.lastTs && (!latest || p.lastTs > latest) ? p.lastTs : latest), null);
  if (!last) return { status: 'no-data', reasons: ['no readings stored'], flags: {} };
  if (networkLatest && networkLatest.getTime() - last.getTime() > rules.offlineAfterMs) {
    const hours = Math.round((networkLatest.getTime() - last.getTime()) / 3_600_000);
    findings.push({ status: 'offline', reason: `no reading for ${hours} h before the network's latest (${last.toISOString()})` });
  }
  for (const p of parameters) {
    if (p.completeness === null) continue;
    if (p.completeness < rules.poorBelow) findings.push({ status: 'poor', reason: `${p.parameter}: ${percent(p.completeness)} of expected readings valid` });
    else if (p.completeness < rules.degradedBelow) findings.push({ status: 'degraded', reason: `${p.parameter}: ${percent(p.completeness)} of expected readings valid` });
  }
  for (const p of parameters) {
    if (p.unfilled > 0) findings.push({ status: 'ok', reason: `${p.parameter}: ${p.unfilled} missing value(s) not filled yet` });
  }
  findings.sort((a, b) => rank(a.status) - rank(b.status));
  const status = findings.reduce<HealthStatus>((worst, f) => (rank(f.status) < rank(worst) ? f.status : worst), 'ok');
  return { status, reasons: findings.map((f) => f.reason), flags: {} };
}
