import type { Evaluation, EvaluationTable, HoldoutScores } from '../src/evaluate';
import { decidePromotion } from '../src/gate';
import { seededRandom } from '../src/random';
import { gapStratumOf, type TargetStratum } from '../src/strata';

const HOUR = 3_600_000;

/**
 * Scores on a holdout of 3,000 values, 600 per gap stratum. Each method's
 * absolute error is its MAE for the value's stratum (with a random sign),
 * plus a little noise, so strata and overall MAE are what the test says.
 */
function evaluation(version: string, maeByGap: Record<string, number>, seed: number): Evaluation {
  const gaps = [1, 2, 5, 12, 40];
  const random = seededRandom(seed);
  const truthRandom = seededRandom(99);
  const count = 3_000;
  const scores: HoldoutScores = {
    ts: new Float64Array(count),
    truth: new Float64Array(count),
    predicted: new Float64Array(count),
    linear: new Float64Array(count),
    locf: new Float64Array(count),
    stationMean: new Float64Array(count),
    strata: [],
    keys: [],
  };
  for (let row = 0; row < count; row += 1) {
    const gapSteps = gaps[row % gaps.length]!;
    const truth = 50 + 40 * truthRandom();
    const sign = () => (random() < 0.5 ? -1 : 1);
    const gap = gapStratumOf(gapSteps, HOUR);
    scores.ts[row] = row * HOUR;
    scores.truth[row] = truth;
    scores.predicted[row] = truth + sign() * (maeByGap[gap]! + 0.2 * (random() - 0.5));
    scores.linear[row] = truth + sign() * { '1': 6, '2-3': 8, '4-8': 13, '9-24': 20, '25+': 40 }[gap];
    scores.locf[row] = truth + sign() * 30;
    scores.stationMean[row] = truth + sign() * 50;
    const stratum: TargetStratum = { gapSteps, gap, neighboursObserved: row % 4 === 0 ? 0 : 2, neighbours: row % 4 === 0 ? 'none' : 'some' };
    scores.strata.push(stratum);
    scores.keys.push({ gapSteps, neighboursObserved: stratum.neighboursObserved });
  }
  const table = { model: { version } } as EvaluationTable;
  return { table, scores };
}

const good = { '1': 5, '2-3': 7, '4-8': 10, '9-24': 12, '25+': 20 };

describe('decidePromotion', () => {
  it('promotes a candidate that beats the current model overall and in every stratum', () => {
    const decision = decidePromotion(evaluation('new', good, 1), evaluation('old', { '1': 5.5, '2-3': 7.5, '4-8': 11, '9-24': 13, '25+': 22 }, 2));
    expect(decision).toMatchObject({ promote: true, forced: false, worseStrata: [] });
    expect(decision.reason).toMatch(/beats current model old .* not worse than it in any stratum/);
  });

  it('refuses a candidate that is better overall but worse on long gaps, and names them', () => {
    // Much better on short gaps, 25% worse on gaps of 25+ steps: a lower MAE overall.
    const candidate = evaluation('new', { '1': 2, '2-3': 3, '4-8': 5, '9-24': 12, '25+': 25 }, 3);
    const current = evaluation('old', { ...good, '25+': 20 }, 4);
    const decision = decidePromotion(candidate, current);
    expect(decision.promote).toBe(false);
    expect(decision.reason).toMatch(/beats current model old/);
    expect(decision.reason).toMatch(/but is worse than it on gap 25\+ \(MAE 25\.\d\d vs 20\.\d\d, 25% worse\)/);
    expect(decision.worseStrata).toHaveLength(1);
  });

  it('does not count a stratum that is worse by less than its noise', () => {
    const decision = decidePromotion(evaluation('new', { ...good, '9-24': 12.1 }, 5), evaluation('old', { ...good, '1': 6, '9-24': 12 }, 6));
    expect(decision.promote).toBe(true);
  });

  it('with no current model, needs to beat every baseline overall and linear interpolation in every stratum', () => {
    expect(decidePromotion(evaluation('new', good, 7), null)).toMatchObject({ promote: true });
    // Worse than interpolation on single-step gaps (7 vs 6), better everywhere else.
    const shortLoser = decidePromotion(evaluation('new', { ...good, '1': 7 }, 8), null);
    expect(shortLoser.promote).toBe(false);
    expect(shortLoser.reason).toMatch(/worse than linear interpolation on gap 1 /);
  });

  it('promotes a refused candidate with --force, and says what it overrode', () => {
    const decision = decidePromotion(evaluation('new', { ...good, '25+': 30 }, 9), evaluation('old', good, 10), { force: true });
    expect(decision).toMatchObject({ promote: true, forced: true });
    expect(decision.reason).toMatch(/gap 25\+.*promoted anyway \(--force\)/);
  });

  it('compares with the current model only on values after the data it trained on', () => {
    const candidate = evaluation('new', good, 11);
    // The current model looks perfect on the first half, which it trained on, and poor after it.
    const current = evaluation('old', { '1': 9, '2-3': 9, '4-8': 14, '9-24': 20, '25+': 30 }, 12);
    for (let row = 0; row < 1_500; row += 1) current.scores.predicted[row] = current.scores.truth[row]!;
    expect(decidePromotion(candidate, current).promote).toBe(false);
    const decision = decidePromotion(candidate, current, { currentSeenThrough: 1_499 * HOUR });
    expect(decision.promote).toBe(true);
    expect(decision.reason).toMatch(/on the 1500 held-out values after its training data/);
  });
});
