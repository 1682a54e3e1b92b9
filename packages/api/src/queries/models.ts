import type { Database } from '@airfill/db';

/** A registered model as the API shows it (the feature contract by name only). */
export interface ModelSummary {
  version: string;
  parameter: string;
  status: 'candidate' | 'approved' | 'current' | 'retired';
  artifactUri: string;
  featureContract: string | null;
  /** As training recorded them: the model's and the baselines' MAE, RMSE, MRE, R² on the holdout. */
  metrics: unknown;
  createdAt: string;
  promotedAt: string | null;
}

/** Per parameter: the registry's current model, and the model the latest run filled with. */
export interface ParameterModels {
  parameter: string;
  current: string | null;
  /** Model version of the latest run that recorded one (may be the committed default model, which is not registered). */
  lastUsed: string | null;
  lastUsedAt: string | null;
}

/** Registered models newest first, and per parameter the current and the last used model. */
export async function listModelsForApi(database: Database, parameter?: string): Promise<{ models: ModelSummary[]; parameters: ParameterModels[] }> {
  const models = await database.pool.query<{
    version: string;
    parameter: string;
    status: ModelSummary['status'];
    artifact_uri: string;
    contract: string | null;
    metrics: unknown;
    created_at: Date;
    promoted_at: Date | null;
  }>(
    `select version, parameter, status, artifact_uri, feature_contract->>'version' as contract, metrics, created_at, promoted_at
       from models where ($1::text is null or parameter = $1) order by created_at desc, version`,
    [parameter ?? null],
  );
  const used = await database.pool.query<{ parameter: string; current: string | null; last_used: string | null; last_used_at: Date | null }>(
    `with parameters as (select parameter from models union select parameter from runs)
     select p.parameter,
            (select m.version from models m where m.parameter = p.parameter and m.status = 'current') as current,
            u.model_version as last_used, u.started_at as last_used_at
       from parameters p
       left join lateral (select r.model_version, r.started_at from runs r
                           where r.parameter = p.parameter and r.model_version is not null
                           order by r.started_at desc limit 1) u on true
      where ($1::text is null or p.parameter = $1)
      order by p.parameter`,
    [parameter ?? null],
  );
  return {
    models: models.rows.map((row) => ({
      version: row.version,
      parameter: row.parameter,
      status: row.status,
      artifactUri: row.artifact_uri,
      featureContract: row.contract,
      metrics: row.metrics,
      createdAt: row.created_at.toISOString(),
      promotedAt: row.promoted_at?.toISOString() ?? null,
    })),
    parameters: used.rows.map((row) => ({
      parameter: row.parameter,
      current: row.current,
      lastUsed: row.last_used,
      lastUsedAt: row.last_used_at?.toISOString() ?? null,
    })),
  };
}
