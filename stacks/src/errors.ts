/** A config file does not satisfy its schema; `problems` lists each field and why. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly environment: string,
    readonly problems: string[],
  ) {
    super(`invalid config for ${environment}:\n  ${problems.join('\n  ')}`);
  }
}

/** A build output the stacks need (a Lambda bundle, the model) is not where it should be. */
export class MissingArtifactError extends Error {
  override readonly name = 'MissingArtifactError';
  constructor(
    readonly artifact: string,
    readonly path: string,
    readonly hint: string,
  ) {
    super(`${artifact} not found at ${path}: ${hint}`);
  }
}
