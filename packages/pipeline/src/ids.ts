import { createHash } from 'node:crypto';
import { InputError } from './errors';

/** Namespace of airfill's name-based run ids (a fixed random UUID). */
const RUN_NAMESPACE = Buffer.from('6f1c2a7e4b9d4e0f8a3b5c7d9e1f2a3b', 'hex');

/**
 * The run of one chunk of a parameter in a Step Functions execution: a UUID
 * v5 of the execution id, the parameter and the chunk. An execution fills
 * each chunk in a run of its own (a row of the ledger sharing the execution
 * id); every step, every retry and the failure recorder derive the same run,
 * so nothing has to carry it before the run exists. Chunk 0 keeps the id a
 * parameter's run had before there were chunks.
 */
export function runIdFor(executionId: string, parameter: string, chunk = 0): string {
  // A newline cannot be part of an execution ARN: the parts are unambiguous, and never equal to the execution's own id.
  return uuidV5(chunk === 0 ? `${executionId}\n${parameter}` : `${executionId}\n${parameter}\n${chunk}`);
}

/** A name-based UUID (v5) in airfill's namespace. */
function uuidV5(name: string): string {
  const hash = createHash('sha1').update(RUN_NAMESPACE).update(name, 'utf8').digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/**
 * The execution's own id in the ledger: a UUID v5 of the execution id alone.
 * quality-check, which runs once per execution over every parameter, keeps
 * its record (`quality_checks`, its flags and alerts) under it.
 */
export function runIdForExecution(executionId: string): string {
  return uuidV5(executionId);
}

/** The transform job of a run: one per run, so a retried start finds the job it created. */
export function transformJobName(prefix: string, runId: string): string {
  const name = `${prefix}${runId}`;
  if (name.length > 63) throw new InputError(`transform job name ${name} is longer than SageMaker's 63 characters`, { prefix, runId });
  return name;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The run id in a job name of this system, or undefined for a job that is not ours. */
export function runIdFromJobName(prefix: string, jobName: string): string | undefined {
  if (!jobName.startsWith(prefix)) return undefined;
  const rest = jobName.slice(prefix.length);
  return UUID.test(rest) ? rest : undefined;
}

/** SSM parameter holding a job's task token. */
export function tokenParameterName(ssmPrefix: string, jobName: string): string {
  return `${ssmPrefix.replace(/\/+$/, '')}/${jobName}`;
}
