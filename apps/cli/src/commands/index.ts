import type { Command } from 'commander';
import * as demo from './demo';
import * as evaluate from './evaluate';
import * as impute from './impute';
import * as load from './load';
import * as status from './status';
import * as train from './train';

/** Every airfill command; each file registers itself on the program. */
export const commands: { register(program: Command): void }[] = [demo, load, status, train, evaluate, impute];
