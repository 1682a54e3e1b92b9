import type { CompiledForest } from './scorer';

/**
 * The forest re-laid as complete binary trees (heap order: children of i are
 * 2i+1 and 2i+2), so a row walks a tree in exactly `depth` steps with no
 * child-pointer loads. A leaf above full depth becomes a chain of "always
 * left" nodes (threshold +∞, missing goes left) ending in copies of its value.
 * Only worth it for shallow trees: memory is 2^depth per tree.
 */
export interface CompleteForest {
  /** Per tree: depth, and offsets of its internal nodes and of its leaves. */
  depth: Uint8Array;
  nodeOffset: Int32Array;
  leafOffset: Int32Array;
  /**
   * Per node, which slot of the widened row it reads: 2 x feature for nodes
   * that send a missing value left, 2 x feature + 1 for those that send it right
   * (see `scoreCompleteRange`).
   */
  slot: Int32Array;
  threshold: Float32Array;
  leaf: Float32Array;
  baseScore: number;
}

/** Deepest tree this layout accepts (2^12 leaves per tree). */
export const MAX_COMPLETE_DEPTH = 12;

function treeDepth(forest: CompiledForest, node: number): number {
  const left = forest.left[node] as number;
  if (left === -1) return 0;
  return 1 + Math.max(treeDepth(forest, left), treeDepth(forest, forest.right[node] as number));
}

/** Re-lays a compiled forest, or returns null when a tree is deeper than MAX_COMPLETE_DEPTH. */
export function toCompleteForest(forest: CompiledForest): CompleteForest | null {
  const trees = forest.roots.length;
  const depths = Array.from(forest.roots, (root) => treeDepth(forest, root));
  if (depths.some((depth) => depth > MAX_COMPLETE_DEPTH)) return null;
  let nodes = 0;
  let leaves = 0;
  const complete: CompleteForest = {
    depth: Uint8Array.from(depths),
    nodeOffset: new Int32Array(trees),
    leafOffset: new Int32Array(trees),
    slot: new Int32Array(0),
    threshold: new Float32Array(0),
    leaf: new Float32Array(0),
    baseScore: forest.baseScore,
  };
  depths.forEach((depth, tree) => {
    complete.nodeOffset[tree] = nodes;
    complete.leafOffset[tree] = leaves;
    nodes += 2 ** depth - 1;
    leaves += 2 ** depth;
  });
  // Padding nodes: threshold +inf on slot 0 (missing goes left), so every value goes left.
  complete.slot = new Int32Array(nodes);
  complete.threshold = new Float32Array(nodes).fill(Infinity);
  complete.leaf = new Float32Array(leaves);

  const place = (tree: number, source: number, heap: number, level: number): void => {
    const depth = depths[tree] as number;
    const left = forest.left[source] as number;
    if (level === depth || left === -1) {
      // Fill every leaf slot under `heap` (all of them are reached only via "always left" padding, but fill for safety).
      const span = 2 ** (depth - level);
      const first = heap * span + (span - 1) - (2 ** depth - 1);
      complete.leaf.fill(forest.threshold[source] as number, (complete.leafOffset[tree] as number) + first, (complete.leafOffset[tree] as number) + first + span);
      return;
    }
    const at = (complete.nodeOffset[tree] as number) + heap;
    complete.slot[at] = 2 * (forest.feature[source] as number) + (forest.defaultLeft[source] === 1 ? 0 : 1);
    complete.threshold[at] = forest.threshold[source] as number;
    place(tree, left, 2 * heap + 1, level + 1);
    place(tree, forest.right[source] as number, 2 * heap + 2, level + 1);
  };
  for (let tree = 0; tree < trees; tree += 1) place(tree, forest.roots[tree] as number, 0, 0);
  return complete;
}

/**
 * Scores float32 features with a complete forest, accumulating in float32
 * in tree order exactly as xgboost's CPU predictor does.
 */
export function predictComplete(forest: CompleteForest, x: Float32Array, rows: number, columns: number): Float32Array {
  const out = new Float32Array(rows).fill(forest.baseScore);
  scoreCompleteRange(forest.depth, forest.nodeOffset, forest.leafOffset, forest.slot, forest.threshold, forest.leaf, x, columns, 0, rows, out);
  return out;
}

/**
 * The scoring kernel: adds every tree's leaf to `out[row]` for rows
 * [start, end). Self-contained on purpose (no outside references), so worker
 * threads run the very same function from its source text.
 *
 * No branches in the walk: each block of rows is first widened to two slots
 * per feature, NaN becoming -inf in the first and +inf in the second. A node
 * reads the slot that sends a missing value its default way (-inf < t goes
 * left, +inf >= t goes right), so every step is `value >= threshold`, and the
 * comparison is added as a number instead of being branched on: tree walks
 * are data-dependent and a mispredicted branch per level cost ~40% of the time.
 */
export function scoreCompleteRange(
  depth: Uint8Array,
  nodeOffset: Int32Array,
  leafOffset: Int32Array,
  slot: Int32Array,
  threshold: Float32Array,
  leaf: Float32Array,
  x: Float32Array,
  columns: number,
  start: number,
  end: number,
  out: Float32Array,
): void {
  // Rows per block: the widened block (1024 x 2 x columns float32) stays in cache while every tree walks it.
  const blockRows = 1024;
  const width = 2 * columns;
  const wide = new Float32Array(blockRows * width);
  const trees = depth.length;
  for (let blockStart = start; blockStart < end; blockStart += blockRows) {
    const blockEnd = Math.min(end, blockStart + blockRows);
    for (let row = blockStart, at = 0; row < blockEnd; row += 1) {
      const base = row * columns;
      for (let column = 0; column < columns; column += 1, at += 2) {
        const value = x[base + column] as number;
        // NaN or an infinity (value - value is NaN for both): missing, as in training.
        const missing = value - value !== 0;
        wide[at] = missing ? -Infinity : value;
        wide[at + 1] = missing ? Infinity : value;
      }
    }
    for (let tree = 0; tree < trees; tree += 1) {
      const levels = depth[tree] as number;
      const nodes = nodeOffset[tree] as number;
      const leaves = (leafOffset[tree] as number) - ((1 << levels) - 1);
      for (let row = blockStart, rowBase = 0; row < blockEnd; row += 1, rowBase += width) {
        let heap = 0;
        for (let level = 0; level < levels; level += 1) {
          const at = nodes + heap;
          // true counts as 1: heap = 2*heap + 1 (left) or + 2 (right), without a branch.
          const right = (wide[rowBase + (slot[at] as number)] as number) >= (threshold[at] as number);
          heap = 2 * heap + 1 + (right as unknown as number);
        }
        out[row] = (out[row] as number) + (leaf[leaves + heap] as number);
      }
    }
  }
}
