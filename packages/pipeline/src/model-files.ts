import path from 'node:path';
import { loadModelFromSet, readContractFromSet, type LoadedModel } from '@airfill/model';
import type { DeployedModels } from '@airfill/schema';
import { InputError } from './errors';
import type { ContextContract } from './query-missing';
import type { TransformModel } from './start-transform';

/** What a transform needs of a loaded model, run as SageMaker model `name`: its version, contract, calibration and holdout figures. */
export function transformModelFrom(name: string, model: Pick<LoadedModel, 'version' | 'contract' | 'calibration' | 'metrics'>): TransformModel {
  const through = model.metrics.training.through;
  return {
    name,
    version: model.version,
    contract: model.contract,
    calibration: model.calibration,
    holdout: { mae: model.metrics.model.mae, linearMae: model.metrics.baselines.linear.mae, through: through && !Number.isNaN(Date.parse(through)) ? new Date(through).toISOString() : null },
  };
}

/**
 * Where a Lambda bundle's models are: `dist/models`, the default model set
 * copied beside the code by scripts/bundle-lambda.mjs (a manifest and one
 * folder per parameter), or `AIRFILL_MODELS_DIR`.
 */
export function bundledModelsDir(bundleDir: string): string {
  return process.env.AIRFILL_MODELS_DIR ?? path.join(bundleDir, 'models');
}

/** The models a pipeline Lambda fills with, by parameter. */
export interface DeployedModelCatalog {
  /** The parameters a deployed model fills. */
  parameters: string[];
  /** The context window of a parameter's model (contract only; the forest is not loaded). */
  contractOf(parameter: string): Promise<ContextContract | undefined>;
  /** A parameter's SageMaker model with its version, contract and calibration. */
  modelOf(parameter: string): Promise<TransformModel | undefined>;
}

/**
 * The deployed models of a pipeline Lambda: `AIRFILL_MODELS` names, per
 * parameter, the SageMaker model a transform runs and the version its
 * predictions are recorded under; the bundled copy of that model gives its
 * feature contract and calibration, and must be that very version (a bundle
 * and a SageMaker model out of step would record predictions under the wrong
 * version). Each parameter's files are read once per container.
 */
export function deployedModelCatalog(modelsDir: string, deployed: DeployedModels): DeployedModelCatalog {
  const loaded = new Map<string, Promise<LoadedModel | undefined>>();
  const contracts = new Map<string, Promise<ContextContract | undefined>>();
  const checkVersion = (parameter: string, version: string) => {
    const expected = deployed[parameter]!.version;
    if (version !== expected) throw new InputError(`bundled ${parameter} model ${version} is not the deployed ${expected}`, { parameter, modelsDir });
  };
  return {
    parameters: Object.keys(deployed).sort(),
    async contractOf(parameter) {
      if (!deployed[parameter]) return undefined;
      let contract = contracts.get(parameter);
      if (!contract) {
        contract = readContractFromSet(parameter, modelsDir).then((found) => {
          if (!found) throw new InputError(`${parameter} is deployed, but the bundle has no ${parameter} model`, { parameter, modelsDir });
          checkVersion(parameter, found.version);
          return found.contract;
        });
        contracts.set(parameter, contract);
      }
      return contract;
    },
    async modelOf(parameter) {
      const target = deployed[parameter];
      if (!target) return undefined;
      let model = loaded.get(parameter);
      if (!model) loaded.set(parameter, (model = loadModelFromSet(parameter, modelsDir)));
      const found = await model;
      if (!found) throw new InputError(`${parameter} is deployed, but the bundle has no ${parameter} model`, { parameter, modelsDir });
      checkVersion(parameter, found.version);
      return transformModelFrom(target.name, found);
    },
  };
}
