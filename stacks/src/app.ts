import { App } from 'cdktf';
import { AirfillStack } from './airfill-stack';
import { type LambdaBundles } from './assets/lambda-bundles';
import { type ModelArchive } from './assets/model-archive';
import { BootstrapStack } from './bootstrap-stack';
import { type BootstrapConfig, type EnvironmentConfig } from './config';

/** Inputs of {@link buildApp}: validated configs and the built artefacts. */
export interface BuildAppOptions {
  /** Where `app.synth()` writes; cdktf's CLI passes its own through CDKTF_OUTDIR. */
  outdir?: string;
  environments: EnvironmentConfig[];
  bootstrap: BootstrapConfig;
  bundles: LambdaBundles;
  model?: { archive: ModelArchive; version: string };
}

/** The CDKTF app: the bootstrap stack and one stack per environment. */
export function buildApp(options: BuildAppOptions): { app: App; stacks: AirfillStack[]; bootstrap: BootstrapStack } {
  const app = new App({ outdir: options.outdir, skipValidation: false });
  const bootstrap = new BootstrapStack(app, options.bootstrap);
  const stacks = options.environments.map(
    (config) => new AirfillStack(app, { config, bundles: options.bundles, model: options.model }),
  );
  return { app, stacks, bootstrap };
}
