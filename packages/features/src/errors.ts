import { AirfillError } from '@airfill/schema';

/** A contract made by another feature version, or one naming columns this version does not know. */
export class FeatureContractError extends AirfillError {}
