import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MEASURE_OPTIONS, type MeasuringEngine } from '../src/harness/engine.ts';
import { createEngine } from '../src/harness/engines.ts';
import { callsForBlock, measureInterleaved, roundOrder } from '../src/harness/interleave.ts';
import { roundRatios } from '../src/results/ratios.ts';

const spin = (ms: number) => {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // busy
  }
};
const median = (xs: readonly number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] as number;
const quick = { ...DEFAULT_MEASURE_OPTIONS, minTimeMs: 0, minSamples: 1, warmupTimeMs: 0, warmupIterations: 1 };

describe('round order', () => {
  it('rotates two arms as A B, B A, B A, A B', () => {
    expect([0, 1, 2, 3, 4].map((r) => roundOrder(r, 2))).toEqual([[0, 1], [1, 0], [1, 0], [0, 1], [0, 1]]);
  });

  it('puts each of three arms in each position equally often, and after each other arm as often as before it', () => {
    const orders = Array.from({ length: 6 }, (_, r) => roundOrder(r, 3));
    expect(orders).toEqual([[0, 1, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0], [0, 2, 1], [1, 0, 2]]);
    for (let position = 0; position < 3; position++) {
      expect(orders.map((o) => o[position]).sort()).toEqual([0, 0, 1, 1, 2, 2]);
    }
    const follows = (a: number, b: number) => orders.filter((o) => o.indexOf(a) === o.indexOf(b) + 1).length;
    expect(follows(0, 1)).toBe(follows(1, 0));
    expect(follows(0, 2)).toBe(follows(2, 0));
  });

  it('sizes blocks to the target time: at least one call, at most 256', () => {
    expect(callsForBlock(10, 5)).toBe(1);
    expect(callsForBlock(1, 5)).toBe(5);
    expect(callsForBlock(0.001, 5)).toBe(256);
    expect(callsForBlock(0, 5)).toBe(256);
  });
});

describe('interleaved measurement', () => {
  let engine: MeasuringEngine;
  beforeAll(async () => {
    engine = await createEngine('tinybench');
  });

  it('runs each arm in rotating blocks, leaves the first call of a block untimed, and keeps whole rounds only', async () => {
    const calls: string[] = [];
    const result = await measureInterleaved([() => void calls.push('a'), () => void calls.push('b')], engine, {
      ...quick,
      minSamples: 4,
      callsPerRound: [2, 1],
      untimedFirst: [true, false],
    });
    // Warm-up: each arm twice on its own. Then round 0 is a(untimed) a a b, round 1 is b a(untimed) a a.
    expect(calls.slice(0, 4)).toEqual(['a', 'a', 'b', 'b']);
    expect(calls.slice(4, 12)).toEqual(['a', 'a', 'a', 'b', 'b', 'a', 'a', 'a']);
    expect(result.rounds).toBeGreaterThanOrEqual(6);
    expect(result.samples[0]).toHaveLength(result.rounds * 2);
    expect(result.samples[1]).toHaveLength(result.rounds);
    expect(result.callsPerRound).toEqual([2, 1]);
  });

  it('by default starts the blocks of calls shorter than a block with an untimed call, and only those', async () => {
    const result = await measureInterleaved([() => spin(0.2), () => spin(3)], engine, { ...quick, warmupIterations: 3, blockMs: 2 });
    expect(result.untimedFirst).toEqual([true, false]);
  });

  it('sizes the blocks from the warm-up when not told', async () => {
    // 3 ms blocks of 1 ms and 0.25 ms calls: 3 and 12 calls (fewer if the busy waits ran long).
    const result = await measureInterleaved([() => spin(1), () => spin(0.25)], engine, { ...quick, warmupIterations: 5, blockMs: 3 });
    const [slow, fast] = result.callsPerRound as [number, number];
    expect(slow).toBeGreaterThanOrEqual(2);
    expect(slow).toBeLessThanOrEqual(3);
    expect(fast).toBeGreaterThanOrEqual(9);
    expect(fast).toBeLessThanOrEqual(12);
  });

  it('gives every arm one block size from their geometric-mean latency when asked (paired runs)', async () => {
    // Self-timed arms of 1 ms and 0.25 ms calls (their own clocks): 3-ms blocks would hold 3 and 12 calls; shared, 6 each.
    const arm = (ms: number) => ({ timedCalls: async (k: number) => Array.from({ length: k }, () => ms) });
    const own = await measureInterleaved([arm(1), arm(0.25)], engine, { ...quick, warmupIterations: 2, blockMs: 3, minRounds: 2 });
    expect(own.callsPerRound).toEqual([3, 12]);
    const shared = await measureInterleaved([arm(1), arm(0.25)], engine, { ...quick, warmupIterations: 2, blockMs: 3, minRounds: 2, sharedCallsPerRound: true });
    expect(shared.callsPerRound).toEqual([6, 6]);
    expect(shared.untimedFirst).toEqual([true, true]);
    expect(shared.samples[0]).toHaveLength(shared.rounds * 6);
  });

  it('exposes all arms to the same drift, so their per-round ratio stays at 1', async () => {
    // A machine that slows down steadily: each call costs more than the last. Measured one after the
    // other, the later arm would look much slower; interleaved, the ratio of their rounds stays near 1.
    let clock = 0;
    const drifting = () => {
      clock += 1;
      spin(0.01 * clock);
    };
    const result = await measureInterleaved([drifting, drifting], engine, { ...quick, minSamples: 40, callsPerRound: [1, 1] });
    const first = result.samples[0] as number[];
    expect(first[first.length - 1]).toBeGreaterThan(3 * (first[0] as number));
    const ratio = median(roundRatios(result.samples[0] as number[], 1, result.samples[1] as number[], 1));
    expect(ratio).toBeGreaterThan(0.9);
    expect(ratio).toBeLessThan(1.1);
  });

  it('stops adaptively on the precision of the ratio to the judged arm', async () => {
    const result = await measureInterleaved([() => spin(0.2), () => spin(0.1)], engine, {
      ...quick,
      targetRelativeCi: 0.05,
      maxTimeMs: 5000,
      callsPerRound: [1, 1],
    });
    expect(result.stoppedBy).toBe('ci-target');
    expect(median(roundRatios(result.samples[0] as number[], 1, result.samples[1] as number[], 1))).toBeCloseTo(2, 0);
  });

  it('stops at the time cap when the ratio stays noisy, and at the sample cap', async () => {
    let i = 0;
    const noisy = () => spin(i++ % 2 === 0 ? 0.05 : 0.5);
    const capped = await measureInterleaved([noisy, () => spin(0.1)], engine, { ...quick, targetRelativeCi: 0.001, maxTimeMs: 100, callsPerRound: [1, 1], untimedFirst: [false, false] });
    expect(capped.stoppedBy).toBe('time-cap');
    const counted = await measureInterleaved([() => {}, () => {}], engine, { ...quick, minTimeMs: 10_000, maxSamples: 64, callsPerRound: [4, 4] });
    expect(counted.stoppedBy).toBe('iterations');
    expect(counted.samples[0]).toHaveLength(64);
  });

  it('names the arm whose call failed', async () => {
    const error = await measureInterleaved([() => {}, () => { throw new Error('boom'); }], engine, quick).catch((e: unknown) => e);
    expect(error).toMatchObject({ arm: 1, message: 'boom' });
  });
});
