import type { Series } from '@airfill/features';
import type { FaultConstantRule } from '../config';
import type { SeriesFlag } from '../flags';
import { parameterKey } from '../parameters';
import { formatNumber, sameValue } from '../series-stats';

/** A fault constant that applies to one channel, and why it means a fault. */
export interface FaultConstant {
  value: number;
  reason: string;
}

/** The fault constants of the rules that match a sensor type (case-insensitive) and parameter; `*` matches any. */
export function faultConstantsFor(rules: readonly FaultConstantRule[], sensorType: string | null, parameter: string): FaultConstant[] {
  const type = sensorType?.trim().toLowerCase() ?? null;
  const key = parameterKey(parameter);
  const constants: FaultConstant[] = [];
  for (const rule of rules) {
    const typeMatches = rule.sensorTypes.some((candidate) => candidate === '*' || (type !== null && candidate.trim().toLowerCase() === type));
    const parameterMatches = rule.parameters.some((candidate) => candidate === '*' || parameterKey(candidate) === key);
    if (typeMatches && parameterMatches) for (const value of rule.values) constants.push({ value, reason: rule.reason });
  }
  return constants;
}

/**
 * A known fault constant of the channel's sensor type: `invalid`. The value
 * is what the device writes when it fails (or saturates), not a measurement.
 */
export function checkFaultConstants(series: Series, constants: readonly FaultConstant[], sensorType: string | null): SeriesFlag[] {
  if (constants.length === 0) return [];
  const flags: SeriesFlag[] = [];
  series.values.forEach((value, index) => {
    const hit = constants.find((constant) => sameValue(value, constant.value));
    if (!hit) return;
    flags.push({ index, severity: 'invalid', detail: `${formatNumber(value)} is ${hit.reason}${sensorType ? ` (sensor type ${sensorType})` : ''}` });
  });
  return flags;
}
