import type { Command } from 'commander';

/** What a command module provides: the options, arguments and action of its command. */
export interface CommandModule {
  register(command: Command): void;
}

/**
 * Every airfill command: its name and description here, its options and
 * action in its own file, loaded only when that command runs (the heavy
 * packages, the local runtime and the model, then load only for the commands
 * that use them: `airfill status` starts in a fraction of the time).
 */
export const COMMANDS: readonly { name: string; description: string; load(): Promise<CommandModule> }[] = [
  { name: 'demo', description: 'run the whole pipeline on the bundled real sample (Beijing, June 2015, 12 stations) and show the report', load: () => import('./demo.js') },
  { name: 'run', description: 'run the pipeline once on this machine: migrate, load the CSV, fill every missing value of every parameter a model fills, report', load: () => import('./run.js') },
  {
    name: 'backfill',
    description: 'fill every missing value a model can fill in executions of a bounded chunk, one after another, until none is left; run it again after an interruption to resume',
    load: () => import('./backfill.js'),
  },
  { name: 'load', description: 'load a CSV file of readings (plain or .gz) into the database; loading the same file again changes nothing', load: () => import('./load.js') },
  { name: 'status', description: 'count sensors, readings, missing values, imputations and data capture per parameter, and name the model that fills each', load: () => import('./status.js') },
  { name: 'export', description: 'write the imputations (of every parameter, or one) as CSV: device_id,parameter,timestamp,value,lower,upper,model_version,run_id', load: () => import('./export.js') },
  {
    name: 'flags',
    description: 'write the quality flags (device_id,parameter,timestamp,check,severity,detail) as CSV or JSON; `flags clear` clears flags with a reason (kept)',
    load: () => import('./flags.js'),
  },
  { name: 'readings', description: 'correct stored readings of a device over a time range (recorded in the corrections ledger)', load: () => import('./readings.js') },
  { name: 'synth', description: 'generate realistic sample data in the input contract (deterministic: the same flags give the same file)', load: () => import('./synth.js') },
  { name: 'train', description: 'train a model per parameter with the xgboost CLI on masked values of a CSV file, evaluate each, register it, and promote it if it beats the current model', load: () => import('./train.js') },
  {
    name: 'retrain',
    description: 'run the training state machine locally, per parameter, on the data in the database: export, training jobs, calibration, evaluation, the gate, registration',
    load: () => import('./retrain.js'),
  },
  { name: 'models', description: 'list the registered models, promote one (--reason, --force for one the gate refused), or roll a parameter back to its previous model', load: () => import('./models.js') },
  {
    name: 'evaluate',
    description:
      "mask observed values in the latest time range of a CSV file in the data's own outage shapes, predict them, and compare the model with station mean, LOCF and linear interpolation, overall and by stratum, with the intervals' coverage",
    load: () => import('./evaluate.js'),
  },
  { name: 'serve', description: 'serve the read API and the dashboard (map, series, runs, models) until Ctrl-C', load: () => import('./serve.js') },
  { name: 'impute', description: 'predict every missing value of a parameter in a CSV file and write them to a CSV file (no database needed)', load: () => import('./impute.js') },
];
