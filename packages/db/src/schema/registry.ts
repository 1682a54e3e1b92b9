import { sql } from 'drizzle-orm';
import { jsonb, pgEnum, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { instant } from './columns';

export const modelStatus = pgEnum('model_status', ['candidate', 'approved', 'current', 'retired']);

/** The model registry. At most one `current` model per parameter. */
export const models = pgTable(
  'models',
  {
    version: text('version').primaryKey(),
    parameter: text('parameter').notNull(),
    artifactUri: text('artifact_uri').notNull(),
    featureContract: jsonb('feature_contract').notNull(),
    metrics: jsonb('metrics').notNull(),
    status: modelStatus('status').notNull().default('candidate'),
    createdAt: instant('created_at').notNull().defaultNow(),
    promotedAt: instant('promoted_at'),
  },
  (t) => [uniqueIndex('models_one_current_idx').on(t.parameter).where(sql`${t.status} = 'current'`)],
);
