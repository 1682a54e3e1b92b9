import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../../src/app';
import { LAMBDA_APPS, type LambdaBundles } from '../../src/assets/lambda-bundles';
import { writeModelArchive, type ModelArchive } from '../../src/assets/model-archive';
import { DEFAULT_PIPELINE_PARAMETERS, type EnvironmentConfig, loadAllEnvironmentConfigs } from '../../src/config';

/** A synthesized Terraform JSON document (cdk.tf.json). */
export interface TerraformJson {
  terraform: { backend?: Record<string, Record<string, unknown>>; required_providers?: unknown };
  import?: { to: string; id: string }[];
  provider: Record<string, Record<string, unknown>[]>;
  resource: Record<string, Record<string, Record<string, unknown>>>;
  output?: Record<string, unknown>;
}

/** The synthesized stacks of one app, by stack name, and where they were written. */
export interface Synthesized {
  outdir: string;
  configs: EnvironmentConfig[];
  stacks: Record<string, TerraformJson>;
  stackDir(name: string): string;
}

/** One stand-in model per default parameter, all the same archive, each with its own version. */
export function standInModels(archive: ModelArchive): Record<string, { archive: ModelArchive; version: string }> {
  return Object.fromEntries(DEFAULT_PIPELINE_PARAMETERS.map((parameter) => [parameter, { archive, version: `test-${parameter.toLowerCase().replace(/[^a-z0-9]+/g, '')}-1` }]));
}

/**
 * Synthesizes the real app (every environment and its bootstrap stack) into a
 * temporary directory. The Lambda bundles and the model are stand-ins written
 * here: what the infrastructure tests check does not depend on their content,
 * and the tests must not depend on another package's build having run.
 */
export function synthesizeAll(configs: EnvironmentConfig[] = loadAllEnvironmentConfigs()): Synthesized {
  const root = mkdtempSync(join(tmpdir(), 'airfill-stacks-'));
  const bundles = Object.fromEntries(
    LAMBDA_APPS.map((app) => {
      const dist = join(root, 'apps', app, 'dist');
      mkdirSync(dist, { recursive: true });
      writeFileSync(join(dist, 'index.js'), `exports.handler = async () => { throw new Error('${app}: test stand-in bundle'); };\n`);
      return [app, dist];
    }),
  ) as unknown as LambdaBundles;
  const apiBundle = join(root, 'apps', 'api', 'dist');
  mkdirSync(apiBundle, { recursive: true });
  writeFileSync(join(apiBundle, 'index.js'), `exports.handler = async () => { throw new Error('api: test stand-in bundle'); };\n`);
  const dashboardDir = join(root, 'dashboard');
  mkdirSync(dashboardDir);
  writeFileSync(join(dashboardDir, 'index.html'), '<!doctype html><title>stand-in</title>\n');
  writeFileSync(join(dashboardDir, 'app.js'), '// stand-in\n');
  writeFileSync(join(dashboardDir, 'dashboard-config.json'), '{}\n');
  const modelDir = join(root, 'model');
  mkdirSync(modelDir);
  writeFileSync(join(modelDir, 'model.json'), JSON.stringify({ learner: { stand_in: true } }));
  const archive = writeModelArchive(modelDir, join(root, 'model-out'));

  const outdir = join(root, 'out');
  const { app } = buildApp({
    outdir,
    environments: configs,
    bundles,
    readApi: { apiBundle, dashboardDir },
    models: standInModels(archive),
  });
  app.synth();
  const stackDir = (name: string) => join(outdir, 'stacks', name);
  const names = readdirSync(join(outdir, 'stacks'));
  const stacks = Object.fromEntries(
    names.map((name) => [name, JSON.parse(readFileSync(join(stackDir(name), 'cdk.tf.json'), 'utf8')) as TerraformJson]),
  );
  return { outdir, configs, stacks, stackDir };
}

/** Every resource of a type: [logical id, attributes]. */
export function resourcesOf(stack: TerraformJson, type: string): [string, Record<string, unknown>][] {
  return Object.entries(stack.resource[type] ?? {});
}

/** The one resource of a type whose logical id contains `fragment`. */
export function resourceNamed(stack: TerraformJson, type: string, fragment: string): Record<string, unknown> {
  const matches = resourcesOf(stack, type).filter(([id]) => id.includes(fragment));
  if (matches.length !== 1) throw new Error(`expected one ${type} matching ${fragment}, found ${matches.map(([id]) => id).join(', ') || 'none'}`);
  return matches[0]![1];
}
