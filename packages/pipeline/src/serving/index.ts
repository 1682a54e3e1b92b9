export { currentModelCatalog, type CurrentModelCatalog, type CurrentModelCatalogDeps, type ExecutionModels, type ServingSettings } from './current-model-catalog';
export { currentPointerReader, POINTER_TTL_MS, type PointerReader, type PointerReaderOptions } from './pointer-reader';
export { pointerModels, type PointerModels } from './pointer-models';
export { ensureServingModel, servingModelName, type ServingModelSpec } from './sagemaker-model';
export { lambdaModelCatalog, type LambdaCatalogOptions } from './lambda-catalog';
