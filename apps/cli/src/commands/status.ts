import { InvalidArgumentError, type Command } from 'commander';
import { readStatus, summariseCompleteness, summariseLiveChecks, type CompletenessSummary, type LiveSummary, type ParameterCompleteness, type ParameterCounts, type StatusReport } from '@airfill/db';
import { addDatabaseOptions, withDatabase, type DatabaseFlags } from '../database-options';
import { describeModels, type ModelStatus } from '../model-status';
import { formatTable } from '../output';

/**
 * What `airfill status --json` prints: the counts, and per parameter its data
 * capture over the window, the model that fills it (null: none does, it
 * is not filled) and that model's live accuracy over its last runs (null:
 * no run has checked it yet).
 */
export interface StatusReportWithDetail extends Omit<StatusReport, 'parameters'> {
  parameters: Record<string, ParameterCounts & { completeness: ParameterCompleteness | null; model: ModelStatus | null; live: LiveSummary | null }>;
  /** The window data capture is counted over: the last `--days` days of data. */
  completenessWindow: CompletenessSummary['window'];
}

const percent = (share: number | null | undefined) => (share === null || share === undefined ? '-' : `${(100 * share).toFixed(1)} %`);

/** Renders the status counts, data capture and models as a table. */
export function formatStatus(status: StatusReportWithDetail): string {
  const rows = Object.entries(status.parameters).map(([name, counts]) => {
    const days = counts.completeness?.sensors.reduce((sum, sensor) => [sum[0]! + sensor.daysMeetingObjective, sum[1]! + sensor.days], [0, 0]) ?? [0, 0];
    const model = counts.model ? `${counts.model.version} (${counts.model.source})` : 'none: not filled';
    return [name, counts.readings, counts.missing, counts.imputed, counts.unfilled, percent(counts.completeness?.capture), `${days[0]} of ${days[1]}`, liveCell(counts.live), model];
  });
  rows.push(['all', status.readings, status.missing, status.imputed, status.unfilled, '', '', '', '']);
  const window = status.completenessWindow;
  const note = window
    ? `\ndata capture: valid / expected readings (EEA; invalid values do not count), ${window.from.slice(0, 16)} to ${window.to.slice(0, 16)} UTC; sensor-days meeting 75 %`
    : '';
  const liveNote = Object.values(status.parameters).some((counts) => counts.live)
    ? '\nlive MAE: on observed values each run hid from the model, over its last runs; x = MAE / the holdout MAE scaled to how hard the gaps were'
    : '';
  return `${status.sensors} sensors\n${formatTable(['parameter', 'readings', 'missing', 'imputed', 'unfilled', 'data capture', 'days >= 75 %', 'live MAE', 'model'], rows)}${note}${liveNote}`;
}

/** A parameter's live accuracy in a cell: MAE, the ratio to the expected, and DRIFT when the signal is up. */
function liveCell(live: LiveSummary | null): string {
  if (!live || live.mae === null) return '-';
  const ratio = live.ratio === null ? '' : ` (${live.ratio.toFixed(2)}x)`;
  return `${Number(live.mae.toPrecision(3))}${ratio}${live.drift ? ' DRIFT' : ''}`;
}

function daysFlag(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > 3660) throw new InvalidArgumentError(`"${text}" is not a whole number of days from 1 to 3660`);
  return value;
}

/** `airfill status [--json] [--days 30]` */
export function register(command: Command): void {
  addDatabaseOptions(
    command
      .option('--json', 'print one JSON object: sensors, readings, missing, imputed, unfilled, and per parameter its counts, completeness (per sensor and day), model and live accuracy')
      .option('--days <n>', 'count data capture over the last n days of data', daysFlag, 30),
  ).action(async (flags: DatabaseFlags & { json?: boolean; days: number }) => {
    const status = await withDatabase(flags, async (database): Promise<StatusReportWithDetail> => {
      const [counts, completeness] = await Promise.all([readStatus(database), summariseCompleteness(database, { days: flags.days })]);
      const models = await describeModels(database, Object.keys(counts.parameters));
      const live = Object.fromEntries(
        await Promise.all(Object.entries(models).map(async ([name, model]) => [name, model ? await summariseLiveChecks(database, name, model.version) : null] as const)),
      );
      const parameters = Object.fromEntries(
        Object.entries(counts.parameters).map(([name, parameter]) => [
          name,
          { ...parameter, completeness: completeness.parameters[name] ?? null, model: models[name] ?? null, live: live[name] ?? null },
        ]),
      );
      return { ...counts, parameters, completenessWindow: completeness.window };
    });
    console.log(flags.json ? JSON.stringify(status) : formatStatus(status));
  });
}
