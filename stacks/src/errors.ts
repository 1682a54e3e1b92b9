import { AirfillError } from '@airfill/schema';

/** A config does not satisfy its schema or cannot deploy; `problems` lists each field and why. */
export class ConfigError extends AirfillError {
  constructor(
    readonly environment: string,
    readonly problems: string[],
  ) {
    super(`invalid config for ${environment}:\n  ${problems.join('\n  ')}`, { environment, problems });
  }
}

/** A build output the stacks need (a Lambda bundle, the model) is not where it should be. */
export class MissingArtifactError extends AirfillError {
  constructor(
    readonly artifact: string,
    readonly path: string,
    readonly hint: string,
  ) {
    super(`${artifact} not found at ${path}: ${hint}`, { artifact, path });
  }
}

/** The workflow definition has a shape the stacks' IAM grants were not written for (a Distributed Map under another label). */
export class WorkflowGrantError extends AirfillError {}
