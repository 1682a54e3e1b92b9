/** A contract made by another feature version, or one naming columns this version does not know. */
export class FeatureContractError extends Error {
  constructor(
    message: string,
    readonly context: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'FeatureContractError';
  }
}
