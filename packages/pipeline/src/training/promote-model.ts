import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { getModel, modelPackageArnOf, promoteOnRequest, rollbackOnRequest, type CurrentModelChange, type Database, type RegisteredModel } from '@airfill/db';
import { modelChangeEventSchema, type ModelChangeEvent, type ModelChangeResult } from '@airfill/schema';
import { InputError } from '../errors';
import type { Logger } from '../logger';
import { setModelPackageApproval, writeCurrentPointer } from './model-registry';

/** What promote-model works with. */
export interface PromoteModelDeps {
  database: Database;
  /** The Model Registry (package approvals). */
  sagemaker: SageMakerClient;
  /** The current-model pointers. */
  ssm: SSMClient;
  logger: Logger;
}

/** promote-model's settings (the Lambda's environment). */
export interface PromoteModelSettings {
  /** The environment whose pointers it writes (`/airfill/<env>/models/...`). */
  environment: string;
}

/** The package of a model the cloud can serve: its model.tar.gz in S3 and its package in the registry; anything else is refused before a change. */
function servablePackage(model: RegisteredModel): string {
  const arn = modelPackageArnOf(model);
  if (!model.artifactUri.startsWith('s3://') || !arn) {
    throw new InputError(`model ${model.version} was not registered by the training workflow (no model package, or not in S3: ${model.artifactUri}); the cloud fill cannot serve it`, {
      version: model.version,
    });
  }
  return arn;
}

/**
 * Changes a parameter's current model in the cloud on a person's word, as
 * `airfill models promote|rollback` does locally and with the same decisions
 * (`promoteOnRequest`, `rollbackOnRequest`: a model the gate refused only
 * with `force`, recorded as forced; a rollback one step back), and keeps the
 * three records in step: the `models` table and its ledger, the packages'
 * approval (the model made current Approved; a rollback Rejects the package
 * it leaves) and the pointer `/airfill/<env>/models/<slug>/current`, which
 * the next fill run reads. Idempotent: a repeat (promoting the current model,
 * a rollback given `from` that finds itself done) changes nothing in the
 * ledger and writes the approvals and the pointer again from it, which is
 * also how a call that died between the ledger and the pointer is completed.
 */
export async function promoteModel(deps: PromoteModelDeps, settings: PromoteModelSettings, rawEvent: ModelChangeEvent): Promise<ModelChangeResult> {
  const event = modelChangeEventSchema.parse(rawEvent);
  const usable = (model: RegisteredModel) => void servablePackage(model);
  const change: CurrentModelChange =
    event.action === 'promote'
      ? await promoteOnRequest(deps.database, event.version, { reason: event.reason, force: event.force, actor: event.actor, usable })
      : await rollbackOnRequest(deps.database, event.parameter, { reason: event.reason, actor: event.actor, usable, ...(event.from ? { from: event.from } : {}) });
  const { model, parameter } = change;
  const logger = deps.logger.child({ step: 'promote-model', parameter, version: model.version, action: event.action });
  const arn = servablePackage(model);

  const note = `${event.action} by ${event.actor}: ${event.reason}`;
  await setModelPackageApproval(deps.sagemaker, arn, 'Approved', note);
  if (event.action === 'rollback' && change.replaced) {
    const left = modelPackageArnOf(await getModel(deps.database, change.replaced));
    if (left) await setModelPackageApproval(deps.sagemaker, left, 'Rejected', note);
    else logger.warn('the model rolled back from has no package to reject', { left: change.replaced });
  }
  const pointer = await writeCurrentPointer(deps.ssm, settings.environment, {
    parameter,
    version: model.version,
    modelPackageArn: arn,
    modelDataUrl: model.artifactUri,
    action: change.action,
    reason: change.reason,
    forced: change.forced,
    previousVersion: change.replaced,
    at: change.at.toISOString(),
  });
  logger.info(change.changed ? 'current model changed' : 'current model already set; pointer and approvals put in step', { replaced: change.replaced, forced: change.forced, pointer });
  if (change.changed) logger.metrics(event.action === 'promote' ? { ModelsPromoted: 1 } : { ModelsRolledBack: 1 });
  return { parameter, version: model.version, previousVersion: change.replaced, action: event.action, forced: change.forced, changed: change.changed, pointer };
}
