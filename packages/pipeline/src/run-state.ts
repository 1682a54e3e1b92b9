import { InputError } from './errors';
import { runIdFor } from './ids';

/**
 * Checks that the run in a step's state is this execution's run of its
 * parameter: the run id is derived from both, so a mismatch means a
 * hand-edited or replayed state, which must not write into another run.
 */
export function assertRunOfExecution(executionId: string, parameter: string, runId: string): void {
  const expected = runIdFor(executionId, parameter);
  if (expected !== runId) {
    throw new InputError(`run ${runId} is not the ${parameter} run of execution ${executionId} (expected run ${expected})`, { executionId, parameter, runId });
  }
}
