/**
 * The slice of the Amazon States Language (JSONPath flavour) that the
 * pipeline uses, typed so a wrong field name is a compile error rather than a
 * failed deployment. Not a full ASL model on purpose.
 */

/** A Retry rule: which errors, how often, with what backoff. */
export interface AslRetrier {
  ErrorEquals: string[];
  IntervalSeconds: number;
  MaxAttempts: number;
  BackoffRate: number;
  MaxDelaySeconds?: number;
  JitterStrategy?: 'FULL' | 'NONE';
}

/** A Catch rule: which errors go where, and where the error lands in the state. */
export interface AslCatcher {
  ErrorEquals: string[];
  Next: string;
  ResultPath?: string;
}

interface AslStateBase {
  Comment?: string;
  InputPath?: string;
  OutputPath?: string;
}

/** A Task state. */
export interface AslTaskState extends AslStateBase {
  Type: 'Task';
  Resource: string;
  Parameters?: Record<string, unknown>;
  ResultSelector?: Record<string, unknown>;
  ResultPath?: string | null;
  TimeoutSeconds?: number;
  HeartbeatSeconds?: number;
  Retry?: AslRetrier[];
  Catch?: AslCatcher[];
  Next?: string;
  End?: true;
}

/** One comparison of a Choice rule (only the comparisons the workflows need). */
export interface AslComparison {
  Variable: string;
  NumericEquals?: number;
  NumericGreaterThan?: number;
  BooleanEquals?: boolean;
  StringEquals?: string;
}

/** One rule of a Choice state: a comparison, or all of several (`And`). */
export type AslChoiceRule = (AslComparison | { And: AslComparison[] }) & { Next: string };

/** A Choice state. */
export interface AslChoiceState extends AslStateBase {
  Type: 'Choice';
  Choices: AslChoiceRule[];
  Default: string;
}

/** A Pass state. */
export interface AslPassState extends AslStateBase {
  Type: 'Pass';
  Parameters?: Record<string, unknown>;
  Result?: unknown;
  ResultPath?: string | null;
  Next?: string;
  End?: true;
}

/** A Succeed state. */
export interface AslSucceedState extends AslStateBase {
  Type: 'Succeed';
}

/** A Fail state; ErrorPath/CausePath carry the original error out of the execution. */
export interface AslFailState {
  Type: 'Fail';
  Comment?: string;
  Error?: string;
  Cause?: string;
  ErrorPath?: string;
  CausePath?: string;
}

/**
 * The states a Map runs for each item: inline (in the execution itself), or
 * distributed (each item a child execution of its own; STANDARD, since the
 * fill waits for task tokens).
 */
export interface AslItemProcessor {
  ProcessorConfig: { Mode: 'INLINE' } | { Mode: 'DISTRIBUTED'; ExecutionType: 'STANDARD' };
  StartAt: string;
  States: Record<string, AslState>;
}

/** Where a Distributed Map reads its items: a JSON array in an S3 object. */
export interface AslItemReader {
  Resource: 'arn:aws:states:::s3:getObject';
  ReaderConfig: { InputType: 'JSON' };
  Parameters: { Bucket: string; 'Key.$': string };
}

/**
 * A Map state: the item processor once per item, at most `MaxConcurrency` at
 * a time. The items are the array at `ItemsPath` (inline), or the JSON array
 * the `ItemReader` reads from S3 (distributed).
 */
export interface AslMapState extends AslStateBase {
  Type: 'Map';
  ItemsPath?: string;
  ItemReader?: AslItemReader;
  ItemSelector?: Record<string, unknown>;
  MaxConcurrency: number;
  ItemProcessor: AslItemProcessor;
  /** Names the Map Run and its child executions (distributed only). */
  Label?: string;
  ResultPath?: string | null;
  Retry?: AslRetrier[];
  Catch?: AslCatcher[];
  Next?: string;
  End?: true;
}

/** Any state the pipeline uses. */
export type AslState = AslTaskState | AslChoiceState | AslPassState | AslMapState | AslSucceedState | AslFailState;

/** A whole state machine definition: plain JSON, ready for `JSON.stringify`. */
export interface AslDefinition {
  Comment?: string;
  QueryLanguage: 'JSONPath';
  StartAt: string;
  TimeoutSeconds?: number;
  States: Record<string, AslState>;
}
