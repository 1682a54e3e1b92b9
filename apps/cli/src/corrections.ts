import os from 'node:os';
import { InvalidArgumentError } from 'commander';
import { correctReadings, listModels, type CorrectionRequest, type CorrectionResult, type Database } from '@airfill/db';
import { DEFAULT_MODELS_DIR, readEntryContract, readModelSet } from '@airfill/model';
import { parseOffsetTimestamp } from '@airfill/schema';

/** What `airfill readings` and `airfill flags clear` share: the range flags, who asks, and what a change makes stale. */

/** An instant: a timestamp with its offset, or a date (midnight UTC). */
export function instantFlag(text: string): Date {
  if (/^\d{4}-\d{2}-\d{2}$/.test(text.trim())) {
    const parsed = parseOffsetTimestamp(`${text.trim()} 00:00:00 +0000`);
    if (parsed.ok) return new Date(parsed.epochMs);
  }
  const parsed = parseOffsetTimestamp(text);
  if (!parsed.ok) throw new InvalidArgumentError(`${parsed.reason}; or give a date, 2023-07-15 (midnight UTC)`);
  return new Date(parsed.epochMs);
}

const HOUR_MS = 3_600_000;

/**
 * How far features look around a target, the widest of the models that may
 * have made the stored imputations (the registry's and the default models),
 * and never less than three days.
 */
async function featureWindow(database: Database): Promise<{ beforeMs: number; afterMs: number }> {
  const contracts: unknown[] = (await listModels(database)).map((model) => model.featureContract);
  for (const entry of await readModelSet(DEFAULT_MODELS_DIR)) contracts.push((await readEntryContract(entry)).contract);
  let beforeMs = 72 * HOUR_MS;
  let afterMs = 72 * HOUR_MS;
  for (const contract of contracts) {
    const { contextBeforeMs, contextAfterMs } = contract as { contextBeforeMs?: unknown; contextAfterMs?: unknown };
    if (typeof contextBeforeMs === 'number') beforeMs = Math.max(beforeMs, contextBeforeMs);
    if (typeof contextAfterMs === 'number') afterMs = Math.max(afterMs, contextAfterMs);
  }
  return { beforeMs, afterMs };
}

/** Who asks for a correction, as the ledger records it. */
function requester(): string {
  return `${os.userInfo().username}@${os.hostname()}`;
}

/**
 * Runs a correction the way both commands ask for one: recorded as this
 * user, removing the imputations within the feature window of the models
 * that may have used the changed readings.
 */
export async function correctAsUser(database: Database, request: Omit<CorrectionRequest, 'requestedBy' | 'featureWindow'>): Promise<CorrectionResult> {
  return correctReadings(database, { ...request, requestedBy: requester(), featureWindow: await featureWindow(database) });
}
