import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { currentModelParameterName, currentModelPointerSchema, type CurrentModelPointer } from '@airfill/schema';
import { aws, isAwsError } from '../aws-errors';
import { InputError } from '../errors';

/** How long a container trusts a pointer it read: a promotion reaches the next run, never one under way (runs pin their model). */
export const POINTER_TTL_MS = 60_000;

/** Reads a parameter's current-model pointer; null when it has none (a fresh deployment, before any promotion). */
export type PointerReader = (parameter: string) => Promise<CurrentModelPointer | null>;

/** Options of {@link currentPointerReader}. */
export interface PointerReaderOptions {
  /** @default {@link POINTER_TTL_MS} */
  ttlMs?: number;
  /** The clock (tests move it). @default Date.now */
  now?: () => number;
}

async function readPointer(ssm: SSMClient, environment: string, parameter: string): Promise<CurrentModelPointer | null> {
  const name = currentModelParameterName(environment, parameter);
  let text: string | undefined;
  try {
    text = (await aws('SSM GetParameter', () => ssm.send(new GetParameterCommand({ Name: name })), { name })).Parameter?.Value;
  } catch (error) {
    if (isAwsError(error, 'ParameterNotFound')) return null;
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text ?? '');
  } catch (error) {
    throw new InputError(`${name} does not hold JSON: not a current-model pointer`, { name, parameter }, { cause: error });
  }
  const parsed = currentModelPointerSchema.safeParse(json);
  if (!parsed.success) throw new InputError(`${name} is not a current-model pointer: ${parsed.error.message}`, { name, parameter });
  if (parsed.data.parameter !== parameter) throw new InputError(`${name} points at a ${parsed.data.parameter} model, not a ${parameter} one`, { name, parameter });
  return parsed.data;
}

/**
 * The current-model pointers `/airfill/<env>/models/<slug>/current` as a
 * container sees them: each read from SSM at most once per `ttlMs` (a warm
 * container serving many runs does not call SSM for each), a failed read
 * not kept. A missing pointer is null; one that is not a pointer (bad JSON,
 * another parameter's) is an `InputError`, never a silent fallback to the
 * deployed model.
 */
export function currentPointerReader(ssm: SSMClient, environment: string, options: PointerReaderOptions = {}): PointerReader {
  const ttlMs = options.ttlMs ?? POINTER_TTL_MS;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { readAt: number; pointer: Promise<CurrentModelPointer | null> }>();
  return (parameter) => {
    const at = now();
    const cached = cache.get(parameter);
    if (cached && at - cached.readAt < ttlMs) return cached.pointer;
    const pointer = readPointer(ssm, environment, parameter);
    const entry = { readAt: at, pointer };
    cache.set(parameter, entry);
    pointer.catch(() => {
      if (cache.get(parameter) === entry) cache.delete(parameter);
    });
    return pointer;
  };
}
