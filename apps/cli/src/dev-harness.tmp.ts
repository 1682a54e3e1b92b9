import { Command } from 'commander';
import * as train from './commands/train';
import * as evaluate from './commands/evaluate';
import * as impute from './commands/impute';
const program = new Command('airfill');
for (const c of [train, evaluate, impute]) c.register(program);
program.parseAsync(process.argv).catch((e) => { console.error(e); process.exit(2); });
