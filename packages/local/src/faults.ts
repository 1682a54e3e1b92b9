import type { PoolClient } from 'pg';
import type { Database } from '@airfill/db';
import { InputError, TransientError } from '@airfill/pipeline';

/** Where a fault can be injected: each step of the pipeline, the transform job, the callback. */
export type FaultPoint = 'qualityCheck' | 'publishAlert' | 'queryMissing' | 'startTransform' | 'transformJob' | 'callback' | 'writePredictions';

/** One injected fault. */
export interface Fault {
  at: FaultPoint;
  /** Only in this parameter's run. @default in whichever run gets there first */
  parameter?: string;
  /** How many times in a row it happens. @default 1 */
  times?: number;
  /**
   * `transient` looks like a crash or a dropped connection (the state machine
   * retries), `permanent` like bad input (no retry: the execution fails).
   * The transform job and the writer only fail one way each: the job fails,
   * the writer's connection drops before COMMIT. @default 'transient'
   */
  kind?: 'transient' | 'permanent';
}

/**
 * The fault-injection switch of the local runtime (tests set it): faults
 * happen where real ones do, after the step did its work, so recovery is
 * tested on real leftovers (claims, S3 objects, a running job, a token).
 */
export class FaultPlan {
  private readonly remaining: { at: FaultPoint; parameter?: string; left: number; kind: 'transient' | 'permanent' }[];

  constructor(faults: readonly Fault[] = []) {
    this.remaining = faults.map((fault) => ({
      at: fault.at,
      ...(fault.parameter === undefined ? {} : { parameter: fault.parameter }),
      left: fault.times ?? 1,
      kind: fault.kind ?? 'transient',
    }));
  }

  /** Uses up one occurrence at `point` in `parameter`'s run; returns the fault's kind, or undefined when none is due. */
  take(point: FaultPoint, parameter?: string): 'transient' | 'permanent' | undefined {
    const fault = this.remaining.find((candidate) => candidate.at === point && candidate.left > 0 && (candidate.parameter === undefined || candidate.parameter === parameter));
    if (!fault) return undefined;
    fault.left -= 1;
    return fault.kind;
  }

  /** Throws the injected failure of a step at `point` in `parameter`'s run, when one is due. */
  crash(point: FaultPoint, what: string, parameter?: string): void {
    const kind = this.take(point, parameter);
    if (kind === 'permanent') throw new InputError(`injected fault: ${what} failed on bad input`, { fault: point, parameter });
    if (kind === 'transient') throw new TransientError(`injected fault: ${what} crashed`, { fault: point, parameter });
  }
}

/** Whether a statement is the writer's INSERT into imputations. */
const INSERTS_IMPUTATIONS = /insert into imputations/i;

const DROPPED = 'Connection terminated unexpectedly (injected fault: the writer died before COMMIT)';

/**
 * The writer's database, with its connection dropping mid-transaction when
 * `crashNow()` says so: the INSERT into imputations runs inside a
 * transaction that is rolled back instead of committed, and the step sees
 * the error node-postgres reports for a lost connection. Both ways a writer
 * reaches the database are covered: `pool.query` (the statement is run in a
 * transaction of its own, then rolled back) and a client from
 * `pool.connect()` (the writer's own transaction is rolled back under it).
 */
export function droppingBeforeCommit(database: Database, crashNow: () => boolean): Database {
  const pool = new Proxy(database.pool, {
    get(target, property) {
      if (property === 'connect') {
        return async () => droppingClient(await target.connect(), crashNow);
      }
      if (property !== 'query') {
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      }
      return async (text: unknown, values?: unknown[]) => {
        if (typeof text === 'string' && INSERTS_IMPUTATIONS.test(text) && crashNow()) {
          const client = await target.connect();
          try {
            await client.query('begin');
            await client.query(text, values);
            await client.query('rollback');
          } finally {
            client.release();
          }
          throw new Error(DROPPED);
        }
        return target.query(text as string, values);
      };
    },
  });
  return { ...database, pool };
}

/** Whether a query is the writer's COPY into imputations (a pg-copy-streams submittable carries its SQL as `text`). */
const COPIES_IMPUTATIONS = /^copy imputations/i;
function copiesImputations(query: unknown): boolean {
  const text = typeof query === 'object' && query !== null ? (query as { text?: unknown }).text : undefined;
  return typeof text === 'string' && COPIES_IMPUTATIONS.test(text);
}

/**
 * A pooled client whose write into imputations, when `crashNow()` says so, is
 * rolled back with its transaction: an INSERT right after it runs, a COPY at
 * the COMMIT that follows it (the stream has run by then).
 */
function droppingClient(client: PoolClient, crashNow: () => boolean): PoolClient {
  let copied = false;
  return new Proxy(client, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (property !== 'query') return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      return async (text: unknown, values?: unknown[]) => {
        if (typeof text === 'string' && INSERTS_IMPUTATIONS.test(text) && crashNow()) {
          await target.query(text, values);
          await target.query('rollback');
          throw new Error(DROPPED);
        }
        if (copiesImputations(text)) copied = true;
        if (typeof text === 'string' && /^\s*commit\s*$/i.test(text) && copied) {
          copied = false;
          if (crashNow()) {
            await target.query('rollback');
            throw new Error(DROPPED);
          }
        }
        // Any other form (a query config, a COPY stream) passes through as it is.
        return (target.query as (...args: unknown[]) => unknown).call(target, text, values);
      };
    },
  });
}
