import { App } from 'cdktf';
import { AirfillStack } from './airfill-stack';
import { type LambdaBundles } from './assets/lambda-bundles';
import { type ReadApiAssets } from './assets/read-api-assets';
import { type ModelArchive } from './assets/model-archive';
import { BootstrapStack } from './bootstrap-stack';
import { type EnvironmentConfig, validateLayout } from './config';

/** Inputs of {@link buildApp}: validated configs and the built artefacts. */
export interface BuildAppOptions {
  /** Where `app.synth()` writes; cdktf's CLI passes its own through CDKTF_OUTDIR. */
  outdir?: string;
  /** Validated configs; checked against the account model (one account per environment) again here. */
  environments: EnvironmentConfig[];
  bundles: LambdaBundles;
  readApi: ReadApiAssets;
  /** The packaged default model of each parameter, by parameter. */
  models?: Readonly<Record<string, { archive: ModelArchive; version: string }>>;
}

/**
 * The CDKTF app: per environment, the bootstrap stack of its account and the
 * environment's stack.
 * @throws ConfigError when two environments share an account.
 */
export function buildApp(options: BuildAppOptions): { app: App; stacks: AirfillStack[]; bootstraps: BootstrapStack[] } {
  const environments = validateLayout(options.environments);
  const app = new App({ outdir: options.outdir, skipValidation: false });
  const bootstraps = environments.map((config) => new BootstrapStack(app, config));
  const stacks = environments.map((config) => new AirfillStack(app, { config, bundles: options.bundles, readApi: options.readApi, ...(options.models ? { models: options.models } : {}) }));
  return { app, stacks, bootstraps };
}
