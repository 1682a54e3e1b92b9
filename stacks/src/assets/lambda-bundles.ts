import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { MissingArtifactError } from '../errors';

/** The fill pipeline's Lambda apps (apps/<name>), one job each. */
export const PIPELINE_LAMBDA_APPS = [
  'migrate',
  'quality-check',
  'plan-parameters',
  'query-missing',
  'start-transform',
  'transform-callback',
  'write-predictions',
  'record-failure',
] as const;

/** The training workflow's Lambda apps. */
export const TRAINING_LAMBDA_APPS = ['export-training-data', 'calibrate-candidate', 'evaluate-candidate', 'register-model', 'record-training-failure'] as const;

/** Lambda apps people invoke to manage the models (`aws lambda invoke`). */
export const MODEL_LAMBDA_APPS = ['promote-model'] as const;

/** Every Lambda app the stacks deploy (the read API's aside). */
export const LAMBDA_APPS = [...PIPELINE_LAMBDA_APPS, ...TRAINING_LAMBDA_APPS, ...MODEL_LAMBDA_APPS] as const;

/** One of {@link PIPELINE_LAMBDA_APPS}. */
export type PipelineLambdaApp = (typeof PIPELINE_LAMBDA_APPS)[number];

/** One of {@link TRAINING_LAMBDA_APPS}. */
export type TrainingLambdaApp = (typeof TRAINING_LAMBDA_APPS)[number];

/** One of {@link LAMBDA_APPS}. */
export type LambdaApp = (typeof LAMBDA_APPS)[number];

/** The `dist` folder (esbuild output with index.js) of each Lambda app. */
export type LambdaBundles = Readonly<Record<LambdaApp, string>>;

/** The repository root, from this file's place in stacks/src/assets. */
export const REPO_ROOT = resolve(__dirname, '../../..');

/**
 * The built bundle folder of every Lambda app under `<repoRoot>/apps/<name>/dist`.
 * @throws MissingArtifactError naming the first app whose dist/index.js is missing.
 */
export function resolveLambdaBundles(repoRoot: string = REPO_ROOT): LambdaBundles {
  const entries = LAMBDA_APPS.map((app) => {
    const dist = join(repoRoot, 'apps', app, 'dist');
    if (!existsSync(join(dist, 'index.js'))) {
      throw new MissingArtifactError(`the ${app} Lambda bundle`, join(dist, 'index.js'), 'run `pnpm --filter "./apps/*" build` first');
    }
    return [app, dist] as const;
  });
  return Object.fromEntries(entries) as Record<LambdaApp, string>;
}
