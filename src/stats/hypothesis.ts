/** Shared vocabulary and input checks of the hypothesis tests and intervals. */
import { studentTQuantile, studentTUpperTail } from './student-t.ts';

/**
 * The alternative hypothesis, against H0: location = mu0 (or <= / >= for the one-sided ones):
 * 'greater' is location > mu0, 'less' is location < mu0. For an interval, 'greater' gives a lower
 * bound [lo, +∞), 'less' an upper bound (−∞, hi], as R's t.test does.
 */
export type Alternative = 'greater' | 'less' | 'two-sided';

export const ALTERNATIVES: readonly Alternative[] = ['greater', 'less', 'two-sided'];

export function checkAlternative(alternative: Alternative): Alternative {
  if (!ALTERNATIVES.includes(alternative))
    throw new RangeError(`alternative must be one of ${ALTERNATIVES.join(', ')}, got ${String(alternative)}`);
  return alternative;
}

export function checkConfidence(level: number): number {
  if (!(level > 0 && level < 1)) throw new RangeError(`confidence level must be in (0, 1), got ${level}`);
  return level;
}

/** Throws a RangeError naming the first non-finite value (its index and value). */
export function checkFinite(values: ArrayLike<number>, what: string): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new RangeError(`${what}[${i}] must be a finite number, got ${String(v)}`);
  }
}

/**
 * p-value of a statistic with a Student t null (df = Infinity: standard normal). A statistic of ±∞
 * (a sample without spread) gives the limiting p-value 0 or 1.
 */
export function tPValue(statistic: number, df: number, alternative: Alternative): number {
  if (alternative === 'greater') return studentTUpperTail(statistic, df);
  if (alternative === 'less') return studentTUpperTail(-statistic, df);
  return Math.min(1, 2 * studentTUpperTail(Math.abs(statistic), df));
}

export interface Interval {
  readonly lower: number;
  readonly upper: number;
}

/** estimate ± t quantile × se: two-sided, or the one-sided bound the alternative names. */
export function tInterval(estimate: number, se: number, df: number, level: number, alternative: Alternative): Interval {
  if (alternative === 'two-sided') {
    const half = studentTQuantile(1 - (1 - level) / 2, df) * se;
    return { lower: estimate - half, upper: estimate + half };
  }
  const bound = studentTQuantile(level, df) * se;
  return alternative === 'greater' ? { lower: estimate - bound, upper: Infinity } : { lower: -Infinity, upper: estimate + bound };
}
