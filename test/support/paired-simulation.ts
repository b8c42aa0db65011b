/**
 * Simulated paired benchmark runs for the paired-statistics tests: `cases` cases × `rounds` rounds of
 * per-round log-ratios d = shift(case) + noise, seeded so each seed gives the same run everywhere.
 */
import { SeededRandom } from '../../src/graph/random.ts';

/**
 * 'normal': N(0, sd²). 'mixture': a scale mixture with the same overall sd and heavier tails,
 * 90% N(0, s²) + 10% N(0, (3s)²), s = sd/√1.8 (kurtosis 7.0 against the normal's 3): most rounds are
 * quiet, one in ten is disturbed.
 */
export type NoiseKind = 'normal' | 'mixture';

export interface SimulationSpec {
  readonly seed: number;
  readonly cases: number;
  readonly rounds: number;
  /** Overall standard deviation of one round's log-ratio noise (0.03 = 3%). */
  readonly sd: number;
  readonly noise: NoiseKind;
  /** True log-ratio of case i (e.g. Math.log(1.05) for a 5% slowdown, 0 for none). */
  readonly shift: (caseIndex: number) => number;
}

const MIXTURE_WIDE_FRACTION = 0.1;
const MIXTURE_WIDE_SCALE = 3;

/** Per case, its rounds' log-ratios. */
export function simulatePairedRun(spec: SimulationSpec): number[][] {
  const random = new SeededRandom(spec.seed);
  const quietSd = spec.sd / Math.sqrt(1 - MIXTURE_WIDE_FRACTION + MIXTURE_WIDE_FRACTION * MIXTURE_WIDE_SCALE ** 2);
  const mixture = spec.noise === 'mixture';
  const run: number[][] = [];
  for (let c = 0; c < spec.cases; c++) {
    const shift = spec.shift(c);
    const rounds: number[] = [];
    for (let r = 0; r < spec.rounds; r++) {
      const scale = mixture ? (random.uniform() < MIXTURE_WIDE_FRACTION ? MIXTURE_WIDE_SCALE : 1) * quietSd : spec.sd;
      rounds.push(shift + scale * random.normal());
    }
    run.push(rounds);
  }
  return run;
}

export function mean(values: readonly number[]): number {
  return values.reduce((s, v) => s + v, 0) / values.length;
}
