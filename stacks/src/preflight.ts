/**
 * `pnpm --filter @airfill/stacks preflight <env>`: refuses to go on while the
 * environment's config still holds the repository's placeholders (account id,
 * example.com alarm addresses, GitHub repository). Run before a bootstrap; the
 * deploy workflow runs it before every plan.
 */
import { assertDeployable, ENVIRONMENT_NAMES, type EnvironmentName, loadAllEnvironmentConfigs } from './config';
import { ConfigError } from './errors';

function main(argv: string[]): number {
  const requested = argv.length > 0 ? argv : [...ENVIRONMENT_NAMES];
  const unknown = requested.filter((name) => !(ENVIRONMENT_NAMES as readonly string[]).includes(name));
  if (unknown.length > 0) {
    console.error(`unknown environment ${unknown.join(', ')}; one of ${ENVIRONMENT_NAMES.join(', ')}`);
    return 2;
  }
  const configs = loadAllEnvironmentConfigs().filter((config) => requested.includes(config.name as EnvironmentName));
  let failed = 0;
  for (const config of configs) {
    try {
      assertDeployable(config);
      process.stdout.write(`${config.name}: deployable to account ${config.accountId} in ${config.region}\n`);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      console.error(error.message);
      failed += 1;
    }
  }
  return failed > 0 ? 1 : 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 2;
}
