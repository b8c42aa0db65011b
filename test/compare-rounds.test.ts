/**
 * Paired rounds: the balanced, seeded AB/BA order, the interleaving following it with self-timed
 * arms, and the removal of a disturbed round together with its partner.
 */
import { describe, expect, it } from 'vitest';
import { disturbedPairs, MIN_QUIET_PAIRS } from '../src/compare/coordinator.ts';
import type { MeasuringEngine } from '../src/harness/engine.ts';
import { measureInterleaved, pairedOrder } from '../src/harness/interleave.ts';

describe('the order of paired rounds', () => {
  it('is balanced: every two rounds hold AB once and BA once', () => {
    for (const seed of [1, 2, 3, 99, 123456]) {
      const order = pairedOrder(seed);
      for (let pair = 0; pair < 50; pair++) {
        const first = order(2 * pair);
        const second = order(2 * pair + 1);
        expect([first, second].map((o) => o.join(''))).toEqual(first[0] === 0 ? ['01', '10'] : ['10', '01']);
      }
    }
  });

  it('is seeded: the same seed gives the same order, asked in any order; another seed another', () => {
    const text = (seed: number, rounds: number[]) => rounds.map((r) => pairedOrder(seed)(r)[0]).join('');
    const forward = Array.from({ length: 40 }, (_, r) => r);
    const a = pairedOrder(42);
    const backwardA = [...forward].reverse().map((r) => a(r)[0]).reverse().join('');
    expect(backwardA).toBe(forward.map((r) => pairedOrder(42)(r)[0]).join(''));
    expect(text(42, forward)).not.toBe(text(43, forward));
    // Not periodic: the first of each pair is a coin, so neither AB,BA,… nor AB,BA,BA,AB,… repeats.
    const firsts = Array.from({ length: 40 }, (_, p) => pairedOrder(42)(2 * p)[0]);
    expect(new Set(firsts).size).toBe(2);
  });

  it('drives the interleaving: blocks of self-timed arms run in that order', async () => {
    const calls: string[] = [];
    const arm = (name: string, ms: number) => ({
      timedCalls: async (k: number) => {
        calls.push(`${name}${k}`);
        return Array.from({ length: k }, () => ms);
      },
    });
    // An engine that just steps until the rule says stop.
    const engine: MeasuringEngine = {
      name: 'tinybench',
      version: 'test',
      async measure(fn, _options, stop) {
        let elapsed = 0;
        for (;;) {
          await fn();
          elapsed += 1;
          if (stop?.(elapsed) != null) return { samples: [], warmupIterations: 0, stoppedBy: 'min-time', timeMs: elapsed };
        }
      },
    };
    const order = pairedOrder(7);
    const m = await measureInterleaved([arm('H', 2), arm('B', 2)], engine, {
      minTimeMs: 0,
      minSamples: 1,
      warmupTimeMs: 0,
      warmupIterations: 2,
      targetRelativeCi: null,
      maxTimeMs: 1e9,
      maxSamples: 1e6,
      blockMs: 10,
      minRounds: 6,
      order,
    });
    expect(m.rounds).toBe(6);
    expect(m.callsPerRound).toEqual([5, 5]);
    // Warm-up calls one at a time, then each round's two blocks (no untimed first call: 2 ms < 10 ms blocks get one).
    const rounds = calls.filter((c) => c.endsWith('5'));
    const expected = Array.from({ length: 6 }, (_, r) => (order(r)[0] === 0 ? ['H5', 'B5'] : ['B5', 'H5'])).flat();
    expect(rounds).toEqual(expected);
    expect(m.samples.map((s) => s.length)).toEqual([30, 30]);
  });
});

describe('disturbed pairs', () => {
  it('sets aside a round in which one side ran slow, with its partner', () => {
    const head = [1, 1.01, 0.99, 1.6, 1, 1.02, 1, 0.98];
    const base = [1, 1, 1.01, 1, 0.99, 1.02, 2.1, 1];
    expect(disturbedPairs(head, base)).toEqual([3, 6]);
  });

  it('sets nothing aside when one side is simply slower throughout (that is the change being measured)', () => {
    const head = [1.3, 1.31, 1.29, 1.3, 1.32, 1.3];
    const base = [1, 1.01, 0.99, 1, 1.02, 1];
    expect(disturbedPairs(head, base)).toEqual([]);
  });

  it('sets nothing aside when too few quiet rounds would stay', () => {
    expect(MIN_QUIET_PAIRS).toBe(4);
    expect(disturbedPairs([1, 2, 1, 2, 1], [1, 1, 1, 1, 1])).toEqual([]);
  });
});
