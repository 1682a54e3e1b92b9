import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { gateOf, listModels, promoteOnRequest, PromotionRefusedError, rollbackOnRequest, type RegisteredModel } from '@airfill/db';
import { addDatabaseOptions, withDatabase, type DatabaseFlags } from '../database-options';
import { CliError } from '../errors';
import { formatTable, note } from '../output';

interface ListFlags extends DatabaseFlags {
  parameter?: string;
  json?: boolean;
}

interface PromoteFlags extends DatabaseFlags {
  reason: string;
  force?: boolean;
}

interface RollbackFlags extends DatabaseFlags {
  parameter: string;
  reason: string;
}

/** Who changed a model, as the promotion ledger records it. */
const actor = () => `airfill models (${process.env.USER ?? 'unknown user'})`;

const maeOf = (model: RegisteredModel): string => {
  const mae = (model.metrics as { model?: { mae?: unknown } } | null)?.model?.mae;
  return typeof mae === 'number' ? mae.toFixed(3) : '-';
};

function registerList(command: Command): void {
  addDatabaseOptions(
    command
      .command('list')
      .description('the registered models, newest first: version, parameter, status (current, candidate, retired), holdout MAE, what the gate decided')
      .option('--parameter <name>', 'only the models of this parameter')
      .option('--json', 'print them as JSON'),
  ).action(async (flags: ListFlags) => {
    const models = await withDatabase(flags, (database) => listModels(database, flags.parameter));
    if (flags.json) {
      console.log(
        JSON.stringify({
          models: models.map((model) => ({
            version: model.version,
            parameter: model.parameter,
            status: model.status,
            artifactUri: model.artifactUri,
            createdAt: model.createdAt,
            promotedAt: model.promotedAt,
            gate: gateOf(model) ?? null,
          })),
        }),
      );
      return;
    }
    if (models.length === 0) {
      console.log(`no models registered${flags.parameter ? ` for ${flags.parameter}` : ''}: airfill train or airfill retrain registers them`);
      return;
    }
    console.log(
      formatTable(
        ['version', 'parameter', 'status', 'MAE', 'gate'],
        models.map((model) => {
          const gate = gateOf(model);
          return [model.version, model.parameter, model.status, maeOf(model), gate ? (gate.promote ? 'approved' : 'refused') : '-'];
        }),
      ),
    );
  });
}

function registerPromote(command: Command): void {
  addDatabaseOptions(
    command
      .command('promote <version>')
      .description('make a registered model its parameter\u2019s current model (recorded with the reason; the next run fills with it)')
      .requiredOption('--reason <text>', 'why (kept in the promotion ledger)')
      .option('--force', 'promote a model the evaluation gate refused (recorded as forced)'),
  ).action(async (version: string, flags: PromoteFlags) => {
    const reason = flags.reason.trim();
    if (!reason) throw new CliError('--reason must say why');
    const change = await withDatabase(flags, (database) =>
      promoteOnRequest(database, version, {
        reason,
        force: Boolean(flags.force),
        actor: actor(),
        usable: (model) => {
          if (!existsSync(model.artifactUri) && !model.artifactUri.startsWith('s3://')) {
            throw new CliError(`model ${version} is registered at ${model.artifactUri}, which is not here; a local run could not load it`);
          }
        },
      }).catch((error: unknown) => {
        if (error instanceof PromotionRefusedError) throw new CliError(`the evaluation gate refused ${version} (${String(error.context.gate)}); add --force to promote it anyway`);
        throw error;
      }),
    );
    if (!change.changed) {
      console.log(`${version} is already the current ${change.parameter} model`);
      return;
    }
    if (change.forced) note(`warning: ${version} promoted although the evaluation gate refused it (${gateOf(change.model)?.reason})`);
    console.log(`${version} is now the current ${change.parameter} model`);
  });
}

function registerRollback(command: Command): void {
  addDatabaseOptions(
    command
      .command('rollback')
      .description('make the model that was current before the current one current again (one step back per call)')
      .requiredOption('--parameter <name>', 'the parameter whose model to roll back')
      .option('--reason <text>', 'why (kept in the promotion ledger)', 'rolled back with airfill models rollback'),
  ).action(async (flags: RollbackFlags) => {
    const rollback = await withDatabase(flags, (database) => rollbackOnRequest(database, flags.parameter, { reason: flags.reason, actor: actor() }));
    console.log(`${rollback.parameter}: ${rollback.model.version} is current again (was ${rollback.replaced})`);
  });
}

/** `airfill models list|promote|rollback` */
export function register(command: Command): void {
  command.enablePositionalOptions();
  registerList(command);
  registerPromote(command);
  registerRollback(command);
}
