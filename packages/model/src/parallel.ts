import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { scoreCompleteRange, toCompleteForest, type CompleteForest } from './complete-trees';
import { predictForest, type CompiledForest } from './scorer';

/** Below this many rows, starting workers costs more than it saves. */
const MIN_PARALLEL_ROWS = 50_000;

/** The worker runs the very same kernel as the main thread, from its source text (it references nothing outside itself). */
const WORKER_SOURCE = `
const { parentPort, workerData: d } = require('node:worker_threads');
const scoreCompleteRange = ${scoreCompleteRange.toString()};
scoreCompleteRange(d.depth, d.nodeOffset, d.leafOffset, d.slot, d.threshold, d.leaf, d.x, d.columns, d.start, d.end, d.out);
parentPort.postMessage('done');
`;

function shared<T extends Uint8Array | Int32Array | Float32Array>(source: T, make: (buffer: SharedArrayBuffer) => T): T {
  const copy = make(new SharedArrayBuffer(source.byteLength));
  copy.set(source as never);
  return copy;
}

const sharedForests = new WeakMap<CompiledForest, CompleteForest | null>();

function sharedComplete(forest: CompiledForest): CompleteForest | null {
  if (sharedForests.has(forest)) return sharedForests.get(forest) ?? null;
  const complete = toCompleteForest(forest);
  const result = complete && {
    ...complete,
    depth: shared(complete.depth, (b) => new Uint8Array(b)),
    nodeOffset: shared(complete.nodeOffset, (b) => new Int32Array(b)),
    leafOffset: shared(complete.leafOffset, (b) => new Int32Array(b)),
    slot: shared(complete.slot, (b) => new Int32Array(b)),
    threshold: shared(complete.threshold, (b) => new Float32Array(b)),
    leaf: shared(complete.leaf, (b) => new Float32Array(b)),
  };
  sharedForests.set(forest, result);
  return result;
}

/**
 * As `predictForest`, split over worker threads that share the matrix and
 * the trees (SharedArrayBuffer, no copies per worker). xgboost predicts on
 * every core by default; this is the like-for-like comparison. Small batches
 * and very deep trees are scored on the calling thread.
 */
export async function predictForestParallel(
  forest: CompiledForest,
  values: Float64Array | Float32Array,
  rows: number,
  columns: number,
  threads: number = availableParallelism(),
): Promise<Float64Array> {
  const complete = rows >= MIN_PARALLEL_ROWS && threads > 1 ? sharedComplete(forest) : null;
  if (!complete || values.length !== rows * columns || columns < forest.minColumns) return predictForest(forest, values, rows, columns);
  const x = new Float32Array(new SharedArrayBuffer(rows * columns * 4));
  x.set(values);
  const out = new Float32Array(new SharedArrayBuffer(rows * 4)).fill(forest.baseScore);
  const share = Math.ceil(rows / threads);
  const { baseScore: _unused, ...arrays } = complete;
  await Promise.all(
    Array.from({ length: threads }, (_, index) => {
      const start = index * share;
      const end = Math.min(rows, start + share);
      return new Promise<void>((resolve, reject) => {
        const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { ...arrays, x, columns, start, end, out } });
        worker.once('message', () => resolve());
        worker.once('error', reject);
        worker.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`scoring worker exited with code ${code}`))));
      });
    }),
  );
  return Float64Array.from(out);
}
