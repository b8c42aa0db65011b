import { describe, expect, it } from 'vitest';
import { measureInterleaved, roundOrder } from '../src/harness/interleave.ts';

describe('interleaved measurement', () => {
  it('alternates ABBA blocks so neither arm always goes first', () => {
    expect(roundOrder(0, 2)).toEqual(['a', 'a', 'b', 'b']);
    expect(roundOrder(1, 2)).toEqual(['b', 'b', 'a', 'a']);
    expect(roundOrder(2, 1)).toEqual(['a', 'b']);
  });

  it('calls the arms in that order after the warm-up and records each call as a sample of its arm', async () => {
    const calls: string[] = [];
    const result = await measureInterleaved(
      () => void calls.push('a'),
      () => void calls.push('b'),
      { minTimeMs: 0, minSamples: 4, warmupIterations: 1, blockSize: 2 },
    );
    expect(calls).toEqual(['a', 'b', /* round 0 */ 'a', 'a', 'b', 'b', /* round 1 */ 'b', 'b', 'a', 'a']);
    expect(result.rounds).toBe(2);
    expect(result.a.samples).toHaveLength(4);
    expect(result.b.samples).toHaveLength(4);
  });

  it('exposes both arms to the same drift', async () => {
    // A machine that slows down steadily: each call costs more than the last. Measured one after the
    // other, the later arm would look slower; interleaved, their medians stay close.
    let clock = 0;
    const drifting = () => {
      clock += 1;
      const end = performance.now() + 0.02 * clock;
      while (performance.now() < end) {
        // busy
      }
    };
    const result = await measureInterleaved(drifting, drifting, { minTimeMs: 0, minSamples: 40, warmupIterations: 0, blockSize: 2 });
    const median = (xs: readonly number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] as number;
    const ratio = median(result.b.samples) / median(result.a.samples);
    expect(ratio).toBeGreaterThan(0.8); // one after the other it would be about 3
    expect(ratio).toBeLessThan(1.25);
  });
});
