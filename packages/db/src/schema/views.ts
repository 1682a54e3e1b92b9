import { sql } from 'drizzle-orm';
import { pgView } from 'drizzle-orm/pg-core';
import { imputations } from './pipeline';
import { readings } from './readings';

/**
 * Readings with the gaps filled: the observed value where there is one, else
 * the imputed one. `fill_reason` says why a value was replaced: `missing`
 * (nothing, or a sentinel, was received) or the check of the open invalid
 * flag (`range`, `manual`, ...); NULL for an observed value.
 */
export const readingsFilled = pgView('readings_filled').as((qb) =>
  qb
    .select({
      sensorRef: readings.sensorRef,
      parameter: readings.parameter,
      ts: readings.ts,
      observed: sql<number | null>`${readings.value}`.as('observed'),
      rawValue: readings.rawValue,
      imputed: sql<number | null>`${imputations.value}`.as('imputed'),
      value: sql<number | null>`coalesce(${readings.value}, ${imputations.value})`.as('value'),
      isImputed: sql<boolean>`(${readings.value} is null and ${imputations.value} is not null)`.as('is_imputed'),
      lower: sql<number | null>`case when ${readings.value} is null then ${imputations.lower} end`.as('lower'),
      upper: sql<number | null>`case when ${readings.value} is null then ${imputations.upper} end`.as('upper'),
      fillReason: sql<string | null>`case when ${readings.value} is null then coalesce((
        select f."check" from flags f
         where f.sensor_ref = ${readings.sensorRef} and f.parameter = ${readings.parameter} and f.ts = ${readings.ts}
           and f.severity = 'invalid' and f.cleared_at is null
         order by f.created_at limit 1), 'missing') end`.as('fill_reason'),
      modelVersion: imputations.modelVersion,
      runId: imputations.runId,
    })
    .from(readings)
    .leftJoin(
      imputations,
      sql`${imputations.sensorRef} = ${readings.sensorRef} and ${imputations.parameter} = ${readings.parameter} and ${imputations.ts} = ${readings.ts}`,
    ),
);
