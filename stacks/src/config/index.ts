import { ConfigError } from '../errors';
import { dev } from './dev';
import { prod } from './prod';
import { type EnvironmentConfig, environmentConfigSchema, type EnvironmentName, ENVIRONMENT_NAMES } from './schema';
import { staging } from './staging';

export * from './schema';
export { deployabilityProblems, assertDeployable, PLACEHOLDER_ACCOUNT_IDS } from './deployable';

/** The config of every environment as written; validated by {@link loadEnvironmentConfig}. */
export const ENVIRONMENT_CONFIGS: Readonly<Record<EnvironmentName, unknown>> = { dev, staging, prod };

/**
 * Validates one environment's config.
 * @throws ConfigError naming the environment and every invalid field.
 */
export function parseEnvironmentConfig(input: unknown, label: string): EnvironmentConfig {
  const result = environmentConfigSchema.safeParse(input);
  if (!result.success) {
    throw new ConfigError(label, result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  return result.data;
}

/** The validated config of a named environment. */
export function loadEnvironmentConfig(name: EnvironmentName): EnvironmentConfig {
  return parseEnvironmentConfig(ENVIRONMENT_CONFIGS[name], name);
}

/**
 * The account model: every environment owns one AWS account, where its own
 * bootstrap stack creates the state bucket, the permissions boundary and the CI
 * roles. Two environments in one account would collide on those (and on the
 * account's one GitHub OIDC provider), so such a layout is refused here, before
 * anything is synthesized.
 * @throws ConfigError listing every conflict.
 */
export function validateLayout(configs: EnvironmentConfig[]): EnvironmentConfig[] {
  const problems: string[] = [];
  const byAccount = new Map<string, string[]>();
  for (const config of configs) byAccount.set(config.accountId, [...(byAccount.get(config.accountId) ?? []), config.name]);
  for (const [account, names] of byAccount) {
    if (names.length > 1) problems.push(`accountId: ${names.join(' and ')} share account ${account}; each environment needs an account of its own`);
  }
  const repositories = new Set(configs.map((config) => config.ci.githubRepository));
  if (repositories.size > 1) problems.push(`ci.githubRepository: environments name different repositories (${[...repositories].join(', ')})`);
  const names = configs.map((config) => config.name);
  if (new Set(names).size !== names.length) problems.push(`name: an environment is listed twice (${names.join(', ')})`);
  if (problems.length > 0) throw new ConfigError('layout', problems);
  return configs;
}

/** All environments' validated configs, in deploy order, checked against the account model. */
export function loadAllEnvironmentConfigs(): EnvironmentConfig[] {
  return validateLayout(ENVIRONMENT_NAMES.map(loadEnvironmentConfig));
}
