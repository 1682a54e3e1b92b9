import type { Command } from 'commander';
import * as demo from './demo';
import * as evaluate from './evaluate';
import * as exportCommand from './export';
import * as impute from './impute';
import * as load from './load';
import * as readings from './readings';
import * as run from './run';
import * as serve from './serve';
import * as status from './status';
import * as synth from './synth';
import * as train from './train';

/** Every airfill command; each file registers itself on the program. */
export const commands: { register(program: Command): void }[] = [demo, load, status, run, exportCommand, readings, synth, train, evaluate, impute, serve];
