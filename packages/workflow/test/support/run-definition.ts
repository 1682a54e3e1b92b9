import '../../src/promise-polyfill';
import { StateMachine } from 'aws-local-stepfunctions';

/** A Task state's stand-in: takes the state's input, returns its result. */
export type Handler = (input: unknown) => Promise<unknown>;

/** How an execution of the engine ended, and every Task call in order. */
export interface DefinitionRun {
  outcome: { ok: true; output: Record<string, unknown> } | { ok: false; error: Error };
  calls: { state: string; input: unknown }[];
}

/**
 * Runs a definition in the local engine with a handler per Task state
 * (recording every call), no wait between retries, and `context` as the
 * execution's context object. A failed execution's error is its cause when
 * the engine wraps one.
 */
export async function runDefinition(definition: unknown, input: unknown, handlers: Record<string, Handler>, context: Record<string, unknown>, options: { checkArn?: boolean } = {}): Promise<DefinitionRun> {
  const machine = new StateMachine(JSON.parse(JSON.stringify(definition)), options.checkArn === false ? { validationOptions: { checkArn: false } } : {});
  const calls: DefinitionRun['calls'] = [];
  const taskResourceLocalHandlers = Object.fromEntries(
    Object.entries(handlers).map(([state, handler]) => [
      state,
      async (stateInput: unknown) => {
        calls.push({ state, input: stateInput });
        return (await handler(stateInput)) as never;
      },
    ]),
  );
  const execution = machine.run(input as never, {
    overrides: { taskResourceLocalHandlers, retryIntervalOverrides: Object.fromEntries(Object.keys(handlers).map((state) => [state, 0])) },
    context: context as never,
  });
  const outcome = await execution.result.then(
    (output) => ({ ok: true as const, output: output as Record<string, unknown> }),
    (error: Error) => ({ ok: false as const, error: (error.cause as Error | undefined) ?? error }),
  );
  return { outcome, calls };
}
