export { buildApp, type BuildAppOptions } from './app';
export { AirfillStack, stackName, type AirfillStackProps } from './airfill-stack';
export { BootstrapStack, BOOTSTRAP_STACK } from './bootstrap-stack';
export { LAMBDA_APPS, resolveLambdaBundles, type LambdaApp, type LambdaBundles } from './assets/lambda-bundles';
export { packageModel, type PackagedModel } from './assets/default-model';
export { writeModelArchive, tar, SAGEMAKER_MODEL_FILE, type ModelArchive } from './assets/model-archive';
export * from './config';
export { ConfigError, MissingArtifactError } from './errors';
