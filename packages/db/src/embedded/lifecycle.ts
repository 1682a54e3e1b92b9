/**
 * Embedded servers this process runs, stopped whatever way the process ends:
 * on normal exit (even a `process.exit()`), and on SIGINT, SIGTERM or SIGHUP.
 *
 * A signal is left to the program when it handles that signal itself (the
 * CLI's `run` turns a first Ctrl-C into an orderly abort and stops the
 * server on its way out); otherwise the servers are stopped in order and the
 * process exits with 128 + the signal's number, as a shell expects.
 */
/** A server as the registry sees it: an orderly stop, and a last-moment signal for when the process is exiting. */
export interface TrackedServer {
  stop(): Promise<void>;
  /** Synchronous: tells the server to shut down (it finishes on its own; the next start reclaims the cluster). */
  killNow(): void;
}

const running = new Map<number, TrackedServer>();

const SIGNALS = { SIGINT: 2, SIGTERM: 15, SIGHUP: 1 } as const;
type HandledSignal = keyof typeof SIGNALS;

let installed = false;

function onExit(): void {
  // Only synchronous work is possible here: tell each server to shut down, and give up our claims.
  for (const server of running.values()) server.killNow();
}

function onSignal(signal: HandledSignal): void {
  // The program has its own handler for this signal: it decides (and closes its database in order).
  if (process.listenerCount(signal) > 1) return;
  void stopAllEmbedded().finally(() => process.exit(128 + SIGNALS[signal]));
}

const handlers = Object.fromEntries(Object.keys(SIGNALS).map((signal) => [signal, () => onSignal(signal as HandledSignal)])) as Record<HandledSignal, () => void>;

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', onExit);
  for (const signal of Object.keys(SIGNALS) as HandledSignal[]) process.on(signal, handlers[signal]);
}

function uninstall(): void {
  if (!installed || running.size > 0) return;
  installed = false;
  process.off('exit', onExit);
  for (const signal of Object.keys(SIGNALS) as HandledSignal[]) process.off(signal, handlers[signal]);
}

/** Tracks a started server until it is stopped. */
export function trackServer(pid: number, server: TrackedServer): void {
  running.set(pid, server);
  install();
}

/** Forgets a stopped server. */
export function untrackServer(pid: number): void {
  running.delete(pid);
  uninstall();
}

/** Stops every embedded server this process started. */
export async function stopAllEmbedded(): Promise<void> {
  await Promise.allSettled([...running.values()].map((server) => server.stop()));
}
