import { describe, expect, it } from 'vitest';
import { disturbedRounds } from '../src/harness/anchor.ts';
import { judgedPartner, quietSamples, roundMeans, roundMedians, roundRatios } from '../src/results/ratios.ts';
import type { CompletedCase } from '../src/results/schema.ts';
import { makeRun } from './support/synthetic-run.ts';

describe('per-round ratios', () => {
  it('averages each round of calls', () => {
    expect(roundMeans([1, 3, 2, 4, 9], 2)).toEqual([2, 3]); // the partial last round is dropped
  });

  it('takes the median of each round of calls, so that one preempted call does not move it', () => {
    // Rounds of 3 and of 4 calls; the 11 is a call preempted for 10 ms; the partial last round is dropped.
    expect(roundMedians([1, 11, 1.2, 2, 1, 3], 3)).toEqual([1.2, 2]);
    expect(roundMedians([4, 1, 3, 2, 9], 4)).toEqual([2.5]);
    expect(roundMeans([1, 11, 1.2], 3)[0]).toBeCloseTo(4.4, 12);
  });

  it('divides round by round, with different calls per round on each side', () => {
    // self: 2 calls per round; partner: 1 call per round.
    expect(roundRatios([2, 2, 3, 5], 2, [1, 2], 1)).toEqual([2, 2]);
  });

  it('leaves out excluded rounds and rounds whose partner took no measurable time', () => {
    expect(roundRatios([2, 4, 6, 8], 1, [1, 1, 0, 2], 1, [1])).toEqual([2, 4]);
  });

  it('keeps the samples of the rounds that are not excluded', () => {
    expect(quietSamples([1, 2, 3, 4, 5, 6], 2, [1])).toEqual([1, 2, 5, 6]);
    expect(quietSamples([1, 2], 2, [])).toEqual([1, 2]);
  });
});

describe('the partner a case is judged against', () => {
  const run = makeRun([
    { model: 'm', compiler: 'ort-cpu-disabled', batch: 1, samples: [2, 4, 6] },
    { model: 'm', compiler: 'ort-cpu-all', batch: 1, samples: [1, 2, 3] },
  ]);
  const byCompiler = (id: string) => run.cases.find((c) => c.compiler.id === id) as CompletedCase;

  it('is the reference measured alongside, when there is one', () => {
    // The synthetic reference alongside runs at its own case's median, 4 ms.
    expect(judgedPartner(byCompiler('ort-cpu-all'))).toMatchObject({ kind: 'reference', id: 'ort-cpu-disabled', ratios: [0.25, 0.5, 0.75] });
  });

  it('is the anchor for the reference itself', () => {
    // The synthetic anchor takes 1 ms a call: anchored latency = latency.
    expect(judgedPartner(byCompiler('ort-cpu-disabled'))).toMatchObject({ kind: 'anchor', id: 'js-matmul-48', ratios: [2, 4, 6] });
  });
});

describe('disturbed rounds', () => {
  it('are those whose anchor mean exceeds the case quiet speed (the 10th percentile: here the lowest of 10) by more than 10%', () => {
    const means = [1, 1.02, 1.5, 0.99, 1.05, 1.2, 1, 1.01, 1.0, 1.03];
    expect(disturbedRounds(means)).toEqual({ quietAnchorMs: 0.99, excluded: [2, 5] });
  });

  it('are not set aside when fewer than 4 quiet rounds would remain', () => {
    expect(disturbedRounds([1, 2, 2, 2, 2]).excluded).toEqual([]);
    expect(disturbedRounds([1, 1, 1, 1, 2]).excluded).toEqual([4]);
  });
});
