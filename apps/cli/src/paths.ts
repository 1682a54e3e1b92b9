import path from 'node:path';

/**
 * The directory the user ran the command from. `pnpm airfill` runs scripts
 * from the workspace root; pnpm and npm keep the caller's directory in INIT_CWD.
 */
export function callerDirectory(): string {
  return process.env.INIT_CWD ?? process.cwd();
}

/** Resolves a path the user typed against the directory they typed it in. */
export function userPath(input: string): string {
  return path.resolve(callerDirectory(), input);
}
