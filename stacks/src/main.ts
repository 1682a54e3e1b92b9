/**
 * Synthesizes every stack: `pnpm synth` (builds the Lambda bundles first) or
 * `cdktf synth|diff|deploy <stack>` through cdktf.json.
 */
import { buildApp } from './app';
import { resolveLambdaBundles } from './assets/lambda-bundles';
import { resolveReadApiAssets } from './assets/read-api-assets';
import { packageModels } from './assets/default-model';
import { loadAllEnvironmentConfigs } from './config';

async function main(): Promise<void> {
  const started = Date.now();
  const environments = loadAllEnvironmentConfigs();
  // Every parameter an environment deploys a committed model for, packaged once.
  const parameters = [...new Set(environments.filter((config) => config.model.source === 'xgboost-artifact').flatMap((config) => config.pipeline.parameters))];
  const { app, stacks, bootstraps } = buildApp({
    environments,
    bundles: resolveLambdaBundles(),
    readApi: resolveReadApiAssets(),
    models: await packageModels(parameters),
  });
  app.synth();
  const names = [...bootstraps, ...stacks].map((stack) => stack.node.id).join(', ');
  console.log(`synthesized ${names} into ${app.outdir} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
