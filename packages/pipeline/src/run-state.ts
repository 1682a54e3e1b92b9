import { InputError } from './errors';
import { runIdForExecution } from './ids';

/**
 * Checks that the run in a step's state belongs to this execution: the run id
 * is derived from the execution id, so a mismatch means a hand-edited or
 * replayed state, which must not write into another run.
 */
export function assertRunOfExecution(executionId: string, runId: string): void {
  const expected = runIdForExecution(executionId);
  if (expected !== runId) {
    throw new InputError(`run ${runId} does not belong to execution ${executionId} (expected run ${expected})`, { executionId, runId });
  }
}
