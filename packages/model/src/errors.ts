import { AirfillError } from '@airfill/schema';

/** Base of every error the model package raises on purpose; carries context for logs. */
export class ModelError extends AirfillError {}

/** A model file that is not an XGBoost 1.7 JSON model this scorer understands. */
export class ModelFormatError extends ModelError {}

/** The xgboost command line is not installed (training needs it; scoring does not). */
export class XgboostMissingError extends ModelError {}

/** xgboost ran but failed, or produced no model. */
export class TrainingError extends ModelError {}

/** Input data that cannot be used (no observations of the parameter, too little to train on, ...). */
export class DataError extends ModelError {}
