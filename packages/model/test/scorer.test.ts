import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileForest, predictForest } from '../src/scorer';
import { predictForestParallel } from '../src/parallel';
import { DEFAULT_MODELS_DIR } from '../src/model-set';

/** The committed default PM 2.5 model. */
const DEFAULT_MODEL_DIR = join(DEFAULT_MODELS_DIR, 'pm25');
import { needsTool } from '@airfill/tooling/needs-tool';
import { hasXgboost, predictWithCli, trainWithCli } from '../src/xgboost-cli';
import { seededRandom } from '../src/random';
import { ModelFormatError } from '../src/errors';

/** Random matrix with NaN cells; some values repeat so trees split on exact ties. */
function randomMatrix(random: () => number, rows: number, columns: number, nanShare: number): Float64Array {
  const values = new Float64Array(rows * columns);
  for (let i = 0; i < values.length; i += 1) {
    values[i] = random() < nanShare ? NaN : random() < 0.2 ? Math.round(random() * 10) : (random() - 0.3) * 100;
  }
  return values;
}

let workDir: string;
beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'airfill-scorer-'));
});
afterAll(() => rm(workDir, { recursive: true, force: true }));

// The setup script installs xgboost; without it these comparisons cannot run, and say so.
const withXgboost = needsTool('xgboost', hasXgboost(), 'apt-get install -y xgboost').describe;

withXgboost('predictForest against xgboost 1.7 on random models', () => {
  const cases = [
    { seed: 1, objective: 'reg:squarederror', depth: 3, rounds: 8, nanShare: 0.0 },
    { seed: 2, objective: 'reg:pseudohubererror', depth: 6, rounds: 30, nanShare: 0.3 },
    { seed: 3, objective: 'reg:squarederror', depth: 8, rounds: 20, nanShare: 0.6 },
    { seed: 4, objective: 'reg:pseudohubererror', depth: 4, rounds: 50, nanShare: 0.1 },
  ];
  it.each(cases)('matches within 1e-4 (seed $seed, $objective, depth $depth, NaN share $nanShare)', async (spec) => {
    const random = seededRandom(spec.seed);
    const columns = 3 + Math.floor(random() * 10);
    const rows = 600;
    const values = randomMatrix(random, rows, columns, spec.nanShare);
    const labels = new Float64Array(rows);
    for (let row = 0; row < rows; row += 1) {
      const a = values[row * columns] as number;
      const b = values[row * columns + 1] as number;
      labels[row] = (Number.isNaN(a) ? 5 : a) * 0.7 + (Number.isNaN(b) ? -20 : Math.sin(b)) * 10 + random() * 3;
    }
    const dir = join(workDir, `case-${spec.seed}`);
    await mkdir(dir);
    const modelText = await trainWithCli({
      workDir: dir,
      values,
      rows,
      columns,
      labels,
      params: { objective: spec.objective, max_depth: spec.depth, eta: 0.3, huber_slope: 10, nthread: 1 },
      rounds: spec.rounds,
    });
    const forest = compileForest(JSON.parse(modelText));
    // Test rows: fresh random values, more NaN (exercises default directions),
    // and cells set exactly to split thresholds (exercises the strict `<`).
    const testRows = 500;
    const test = randomMatrix(random, testRows, columns, Math.max(0.2, spec.nanShare));
    for (let cell = 0; cell < test.length; cell += 7) {
      const node = Math.floor(random() * forest.left.length);
      if (forest.left[node] !== -1 && forest.feature[node] === cell % columns) test[cell] = forest.threshold[node] as number;
    }
    const expected = await predictWithCli({ workDir: dir, modelPath: join(dir, 'model.json'), values: test, rows: testRows, columns });
    for (const layout of ['auto', 'walk'] as const) {
      const actual = predictForest(forest, test, testRows, columns, layout);
      expect(actual).toHaveLength(testRows);
      let worst = 0;
      for (let row = 0; row < testRows; row += 1) {
        worst = Math.max(worst, Math.abs((actual[row] as number) - (expected[row] as number)) / Math.max(1, Math.abs(expected[row] as number)));
      }
      expect(worst).toBeLessThan(1e-4);
    }
  });
});

describe('compileForest', () => {
  const tree = { left_children: [1, -1, -1], right_children: [2, -1, -1], split_indices: [1, 0, 0], split_conditions: [0.5, -1, 2], default_left: [1, 0, 0] };
  const model = (objective: string, trees = [tree]) => ({
    learner: {
      learner_model_param: { base_score: '5E-1', num_class: '0', num_feature: '2', num_target: '1' },
      objective: { name: objective },
      gradient_booster: { name: 'gbtree', model: { trees, tree_info: trees.map(() => 0) } },
    },
  });

  it.each(['auto', 'walk'] as const)('walks a hand-made tree (%s layout): strict less-than, NaN follows the default direction', (layout) => {
    const forest = compileForest(model('reg:squarederror'));
    const out = predictForest(forest, Float64Array.from([0, 0.4, 0, 0.5, 0, NaN]), 3, 2, layout);
    expect(Array.from(out)).toEqual([-0.5, 2.5, -0.5]);
  });

  it.each(['auto', 'walk'] as const)('treats an infinity as missing (%s layout), as training leaves it out of the LIBSVM file', (layout) => {
    const forest = compileForest(model('reg:squarederror'));
    // The default direction is left (-1): +Infinity would otherwise go right (2), -Infinity left.
    const out = predictForest(forest, Float64Array.from([0, Infinity, 0, -Infinity, 0, NaN]), 3, 2, layout);
    expect(Array.from(out)).toEqual([-0.5, -0.5, -0.5]);
  });

  it('scores deeper-than-full-depth shapes: a leaf above the deepest level keeps its value in the complete layout', () => {
    // Root splits on column 0; its left child is a leaf, its right child splits again on column 1.
    const lopsided = {
      left_children: [1, -1, 3, -1, -1],
      right_children: [2, -1, 4, -1, -1],
      split_indices: [0, 0, 1, 0, 0],
      split_conditions: [1, 7, 2, 20, 30],
      default_left: [0, 0, 1, 0, 0],
    };
    const forest = compileForest(model('reg:squarederror', [lopsided]));
    const rows = Float64Array.from([0, 0, 0, 9, 5, 0, 5, 9, 5, NaN, NaN, 0]);
    expect(Array.from(predictForest(forest, rows, 6, 2, 'auto'))).toEqual([7.5, 7.5, 20.5, 30.5, 20.5, 20.5]);
    expect(Array.from(predictForest(forest, rows, 6, 2, 'walk'))).toEqual([7.5, 7.5, 20.5, 30.5, 20.5, 20.5]);
  });

  it('refuses objectives with a non-identity link', () => {
    expect(() => compileForest(model('binary:logistic'))).toThrow(ModelFormatError);
  });

  it('refuses a file that is not a model', () => {
    expect(() => compileForest({ hello: 'world' })).toThrow(/not an XGBoost 1.7 JSON model/);
  });

  it('refuses a matrix narrower than the columns the model splits on', () => {
    const forest = compileForest(model('reg:squarederror'));
    expect(() => predictForest(forest, new Float64Array(3), 3, 1)).toThrow(/splits on column 1/);
  });
});


describe('predictForestParallel', () => {
  it('gives exactly the single-thread outputs on a large batch split over worker threads', async () => {
    const forest = compileForest(JSON.parse(await readFile(join(DEFAULT_MODEL_DIR, 'model.json'), 'utf8')));
    const random = seededRandom(9);
    const columns = forest.minColumns;
    const rows = 50_000;
    const values = randomMatrix(random, rows, columns, 0.2);
    const parallel = await predictForestParallel(forest, values, rows, columns, 2);
    expect(Array.from(parallel)).toEqual(Array.from(predictForest(forest, values, rows, columns)));
  }, 60_000);
});
