import { ConfigError } from '../errors';
import { type EnvironmentConfig } from './schema';

/** The account ids the committed configs carry until an operator sets real ones. */
export const PLACEHOLDER_ACCOUNT_IDS: readonly string[] = ['111111111111', '222222222222', '333333333333', '123456789012'];

/** Domains reserved for examples (RFC 2606): mail to them reaches nobody. */
const EXAMPLE_DOMAIN = /@(.+\.)?example\.(com|org|net)$/i;

/** The committed placeholder repository. */
const PLACEHOLDER_REPOSITORY = 'airfill/airfill';

/**
 * Why a valid config still cannot go to a real account: the placeholders the
 * repository ships with (account ids, example.com alarm addresses, the GitHub
 * repository). Synthesis and tests accept them; a bootstrap or deploy must not.
 */
export function deployabilityProblems(config: EnvironmentConfig): string[] {
  const problems: string[] = [];
  if (PLACEHOLDER_ACCOUNT_IDS.includes(config.accountId)) {
    problems.push(`accountId: ${config.accountId} is a placeholder; set the account this environment owns`);
  }
  for (const email of config.monitoring.alarmEmails.filter((address) => EXAMPLE_DOMAIN.test(address))) {
    problems.push(`monitoring.alarmEmails: ${email} reaches nobody; set a real subscriber`);
  }
  if (config.ci.githubRepository === PLACEHOLDER_REPOSITORY) {
    problems.push(`ci.githubRepository: ${PLACEHOLDER_REPOSITORY} is a placeholder; set the repository that deploys`);
  }
  return problems;
}

/**
 * @throws ConfigError listing every placeholder left in the config.
 */
export function assertDeployable(config: EnvironmentConfig): void {
  const problems = deployabilityProblems(config);
  if (problems.length > 0) throw new ConfigError(config.name, problems);
}
