import { InputError } from './errors';
import { runIdFor } from './ids';

/**
 * Checks that the run in a step's state is this execution's run of its
 * parameter's chunk: the run id is derived from all three, so a mismatch
 * means a hand-edited or replayed state, which must not write into another run.
 */
export function assertRunOfExecution(executionId: string, parameter: string, runId: string, chunk = 0): void {
  const expected = runIdFor(executionId, parameter, chunk);
  if (expected !== runId) {
    const which = chunk === 0 ? parameter : `${parameter} chunk ${chunk}`;
    throw new InputError(`run ${runId} is not the ${which} run of execution ${executionId} (expected run ${expected})`, { executionId, parameter, chunk, runId });
  }
}
