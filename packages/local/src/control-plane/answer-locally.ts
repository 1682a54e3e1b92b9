/** The part of an AWS SDK v3 client that lets a middleware answer a command. */
interface Answerable {
  middlewareStack: { add(middleware: unknown, options: { step: 'initialize'; name: string; priority: 'high' }): void };
}

/** Answers one command: receives its input, returns its output (or throws the service's error). */
export type CommandHandler = (input: Record<string, unknown>) => unknown;

/**
 * Makes a real SDK client answer the given commands in-process: a first
 * middleware hands the command's input to a local handler and returns its
 * result as the command's output, before anything is serialised or sent.
 * The code under it (the pipeline steps) calls `client.send(new XCommand())`
 * exactly as in Lambda. A command without a handler fails loudly, so a step
 * that starts calling something new cannot pass silently.
 */
export function answerLocally<C extends Answerable>(client: C, service: string, handlers: Record<string, CommandHandler>): C {
  client.middlewareStack.add(
    (_next: unknown, context: { commandName?: string }) => async (args: { input: Record<string, unknown> }) => {
      const name = (context.commandName ?? '').replace(/Command$/, '');
      const handler = handlers[name];
      if (!handler) throw Object.assign(new Error(`the local ${service} does not implement ${name}`), { name: 'UnknownOperationException' });
      const output = (await handler(args.input)) ?? {};
      return { output: { ...(output as object), $metadata: { httpStatusCode: 200 } }, response: {} };
    },
    { step: 'initialize', name: `airfillLocal${service}`, priority: 'high' },
  );
  return client;
}
