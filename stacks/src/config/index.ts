import { ConfigError } from '../errors';
import { bootstrap } from './bootstrap';
import { dev } from './dev';
import { prod } from './prod';
import {
  bootstrapConfigSchema,
  type BootstrapConfig,
  type EnvironmentConfig,
  environmentConfigSchema,
  type EnvironmentName,
  ENVIRONMENT_NAMES,
} from './schema';
import { staging } from './staging';

export * from './schema';

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

/** All environments' validated configs, in deploy order. */
export function loadAllEnvironmentConfigs(): EnvironmentConfig[] {
  return ENVIRONMENT_NAMES.map(loadEnvironmentConfig);
}

/**
 * Validates the bootstrap config.
 * @throws ConfigError listing every invalid field.
 */
export function loadBootstrapConfig(input: unknown = bootstrap): BootstrapConfig {
  const result = bootstrapConfigSchema.safeParse(input);
  if (!result.success) {
    throw new ConfigError('bootstrap', result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  return result.data;
}
