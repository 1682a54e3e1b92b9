import type { Command } from 'commander';
import * as demo from './demo';
import * as load from './load';
import * as status from './status';

/** Every airfill command; each file registers itself on the program. */
export const commands: { register(program: Command): void }[] = [demo, load, status];
