import { listParameters, type Database } from '@airfill/db';
import { planParametersEventSchema, type PlanParametersEvent, type PlanParametersResult } from '@airfill/schema';
import { InputError } from './errors';
import { runIdFor } from './ids';
import type { Logger } from './logger';

/** What plan-parameters works with. */
export interface PlanParametersDeps {
  database: Database;
  logger: Logger;
}

/** How plan-parameters is configured. */
export interface PlanParametersSettings {
  /** The parameters a current model fills (the deployed models in the cloud; the registry or a default model locally). */
  modelled: readonly string[];
}

const quoted = (names: readonly string[]) => names.map((name) => `"${name}"`).join(', ');

/**
 * Decides which parameters the execution fills: every stored parameter
 * (or those the input names) that a current model fills, each in a run of
 * its own (the Map that follows). Stored parameters no model fills are
 * returned as `withoutModel`, logged and counted, never silently dropped.
 * A parameter the input names that is not stored is an input error (a typo
 * must not pass as "nothing to fill"). Reads only; a retry plans the same.
 */
export async function planParameters(deps: PlanParametersDeps, settings: PlanParametersSettings, rawEvent: PlanParametersEvent): Promise<PlanParametersResult> {
  const event = planParametersEventSchema.parse(rawEvent);
  const logger = deps.logger.child({ step: 'plan-parameters', executionId: event.executionId });
  const stored = await listParameters(deps.database);
  const asked = event.input.parameters ? [...new Set(event.input.parameters)] : undefined;
  const unknown = (asked ?? []).filter((parameter) => !stored.includes(parameter));
  if (unknown.length > 0) {
    const known = stored.length ? `the parameters stored are: ${quoted(stored)}` : 'no readings are stored yet';
    throw new InputError(`no readings of ${quoted(unknown)} are stored; ${known}`, { unknown, stored });
  }
  const wanted = asked ?? stored;
  const modelled = new Set(settings.modelled);
  const parameters = wanted.filter((parameter) => modelled.has(parameter));
  const withoutModel = wanted.filter((parameter) => !modelled.has(parameter));
  if (withoutModel.length > 0) {
    logger.warn('parameters without a current model are not filled: train one with airfill train', { withoutModel, modelled: [...modelled] });
  }
  logger.info('planned', { parameters: parameters.map((parameter) => ({ parameter, runId: runIdFor(event.executionId, parameter) })), withoutModel });
  logger.metrics({ ParametersPlanned: parameters.length, ParametersWithoutModel: withoutModel.length });
  // Every run gets the execution input as the schedule or the CLI gave it, not what earlier states added (quality-check's result).
  const { trigger, from, to } = event.input;
  const input = { trigger, ...(from ? { from } : {}), ...(to ? { to } : {}), ...(asked ? { parameters: asked } : {}) };
  return { parameters, withoutModel, input };
}
