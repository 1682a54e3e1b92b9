import { ModelFormatError } from './errors';
import { predictComplete, toCompleteForest, type CompleteForest } from './complete-trees';
import { IDENTITY_OBJECTIVES, xgboostModelSchema, type XgboostModelJson } from './xgboost-json';

/**
 * An XGBoost 1.7 tree ensemble compiled into flat typed arrays, so scoring a
 * batch is a tight loop over numbers (no objects per node or per row).
 */
export interface CompiledForest {
  /** Node index of each tree's root in the flat arrays. */
  roots: Int32Array;
  /** Left child per node (flat index), -1 at leaves. */
  left: Int32Array;
  right: Int32Array;
  feature: Int32Array;
  /** Split threshold (float32, as xgboost compares) or, at leaves, the leaf value. */
  threshold: Float32Array;
  defaultLeft: Uint8Array;
  baseScore: number;
  /** Smallest column count a matrix must have (1 + the largest split feature). */
  minColumns: number;
}

/** Compiles parsed model JSON; refuses what the scorer cannot reproduce exactly. */
export function compileForest(json: unknown): CompiledForest {
  const parsed = xgboostModelSchema.safeParse(json);
  if (!parsed.success) {
    throw new ModelFormatError(`not an XGBoost 1.7 JSON model: ${parsed.error.issues[0]?.message ?? 'invalid'}`, {
      path: parsed.error.issues[0]?.path,
    });
  }
  const model: XgboostModelJson = parsed.data;
  const { learner } = model;
  const objective = learner.objective.name;
  if (!(IDENTITY_OBJECTIVES as readonly string[]).includes(objective)) {
    throw new ModelFormatError(`objective ${objective} is not supported (identity-link regression only)`, { objective });
  }
  if (learner.gradient_booster.name !== 'gbtree' || !learner.gradient_booster.model) {
    throw new ModelFormatError(`booster ${learner.gradient_booster.name} is not supported (gbtree only)`);
  }
  const numClass = Number(learner.learner_model_param.num_class ?? '0');
  const numTarget = Number(learner.learner_model_param.num_target ?? '1');
  if (numClass > 1 || numTarget > 1) throw new ModelFormatError('multi-output models are not supported', { numClass, numTarget });

  const trees = learner.gradient_booster.model.trees;
  const total = trees.reduce((sum, tree) => sum + tree.left_children.length, 0);
  const forest: CompiledForest = {
    roots: new Int32Array(trees.length),
    left: new Int32Array(total),
    right: new Int32Array(total),
    feature: new Int32Array(total),
    threshold: new Float32Array(total),
    defaultLeft: new Uint8Array(total),
    baseScore: learner.learner_model_param.base_score,
    minColumns: 0,
  };
  let offset = 0;
  trees.forEach((tree, treeIndex) => {
    if (tree.split_type?.some((type) => type !== 0)) {
      throw new ModelFormatError('categorical splits are not supported', { tree: treeIndex });
    }
    forest.roots[treeIndex] = offset;
    const size = tree.left_children.length;
    for (let node = 0; node < size; node += 1) {
      const left = tree.left_children[node] as number;
      const right = tree.right_children[node] as number;
      const at = offset + node;
      const isLeaf = left === -1;
      if (!isLeaf && (left <= node || right <= node || left >= size || right >= size)) {
        throw new ModelFormatError('tree children out of order or out of range', { tree: treeIndex, node });
      }
      forest.left[at] = isLeaf ? -1 : offset + left;
      forest.right[at] = isLeaf ? -1 : offset + right;
      const feature = tree.split_indices[node] as number;
      forest.feature[at] = feature;
      forest.threshold[at] = tree.split_conditions[node] as number;
      forest.defaultLeft[at] = tree.default_left[node] ? 1 : 0;
      if (!isLeaf) forest.minColumns = Math.max(forest.minColumns, feature + 1);
    }
    offset += size;
  });
  return forest;
}

/** Rows scored per block: the block's features stay in cache while every tree walks it. */
const BLOCK_ROWS = 256;

/** How to walk the trees: `auto` uses the complete-tree layout when trees are shallow enough. */
export type ScoringLayout = 'auto' | 'walk';

const completeCache = new WeakMap<CompiledForest, CompleteForest | null>();

/**
 * Raw predictions (margins) for a row-major matrix of `rows x columns`.
 * NaN (or an infinity) means missing and follows the node's default direction. Features are
 * rounded to float32 first, because xgboost compares float32 features with
 * float32 thresholds; a float64 comparison would take the other branch for
 * values that sit between the two roundings of a threshold. Sums are kept in
 * float32, tree by tree, as xgboost's CPU predictor keeps them.
 */
export function predictForest(
  forest: CompiledForest,
  values: Float64Array | Float32Array,
  rows: number,
  columns: number,
  layout: ScoringLayout = 'auto',
): Float64Array {
  if (values.length !== rows * columns) {
    throw new ModelFormatError(`matrix has ${values.length} values, expected ${rows} x ${columns}`, { rows, columns });
  }
  if (columns < forest.minColumns) {
    throw new ModelFormatError(`model splits on column ${forest.minColumns - 1} but the matrix has ${columns} columns`, {
      columns,
      minColumns: forest.minColumns,
    });
  }
  const x = values instanceof Float32Array ? values : Float32Array.from(values);
  if (layout === 'auto') {
    let complete = completeCache.get(forest);
    if (complete === undefined) completeCache.set(forest, (complete = toCompleteForest(forest)));
    if (complete) return Float64Array.from(predictComplete(complete, x, rows, columns));
  }
  return Float64Array.from(walkForest(forest, x, rows, columns));
}

/** The general walker, for trees of any depth: follows child pointers node by node. */
function walkForest(forest: CompiledForest, x: Float32Array, rows: number, columns: number): Float32Array {
  const out = new Float32Array(rows).fill(forest.baseScore);
  const { roots, left, right, feature, threshold, defaultLeft } = forest;
  const treeCount = roots.length;
  for (let start = 0; start < rows; start += BLOCK_ROWS) {
    const end = Math.min(rows, start + BLOCK_ROWS);
    for (let tree = 0; tree < treeCount; tree += 1) {
      const root = roots[tree] as number;
      for (let row = start; row < end; row += 1) {
        const base = row * columns;
        let node = root;
        let next = left[node] as number;
        while (next !== -1) {
          const value = x[base + (feature[node] as number)] as number;
          // NaN, and an infinity (value - value is NaN for both): missing, as in training, where neither is written.
          if (value - value !== 0) {
            node = defaultLeft[node] === 1 ? next : (right[node] as number);
          } else {
            node = value < (threshold[node] as number) ? next : (right[node] as number);
          }
          next = left[node] as number;
        }
        out[row] = (out[row] as number) + (threshold[node] as number);
      }
    }
  }
  return out;
}
