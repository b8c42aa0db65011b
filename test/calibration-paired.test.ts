import { describe, expect, it } from 'vitest';
import { calibratePaired, injectSlowdown, sliceSessions, splitPaired } from '../src/calibration-paired.ts';
import { DEFAULT_GATE_CONFIG } from '../src/gate/config.ts';
import type { CompletedCase } from '../src/results/schema.ts';
import { makePairedRuns, type PairedCaseSpec } from './support/synthetic-paired.ts';

const specs: PairedCaseSpec[] = ['resnet-like', 'vit-like', 'mixer-like', 'mobilenetv2-like'].flatMap((model) =>
  ['ort-cpu-disabled', 'ort-cpu-all'].flatMap((compiler) => [1, 4, 16].map((batch) => ({ model, compiler, batch, median: batch }))),
);

describe('paired calibration by sub-runs', () => {
  it('splits each case into sub-runs of whole session pairs, rounds and order re-indexed', () => {
    const { head, base } = makePairedRuns(specs, { rounds: 16, sessions: 8, seed: 3 });
    const subs = splitPaired(head, base, 2);
    expect(subs).toHaveLength(4);
    const c = subs[1]?.head.cases[0] as CompletedCase;
    const original = head.cases[0] as CompletedCase;
    expect(c.interleaving.sessionRounds).toEqual([2, 2]);
    expect(c.interleaving.rounds).toBe(4);
    expect(c.samples).toEqual(original.samples.slice(4, 8));
    expect(c.interleaving.pairing?.order).toBe(original.interleaving.pairing?.order.slice(4, 8));
    expect(() => sliceSessions(original, 7, 9)).toThrow('sessions 7..9 are beyond its 8 sessions');
    expect(() => splitPaired(head, base, 9)).toThrow('fewer than one sub-run of 9');
  });

  it('injects a head-only slowdown into the matching cases and nothing else', () => {
    const { head } = makePairedRuns(specs, { rounds: 4, sessions: 2 });
    const slowed = injectSlowdown(head, (c) => c.compiler.id === 'ort-cpu-all', 1.1);
    slowed.cases.forEach((c, i) => {
      const o = head.cases[i] as CompletedCase;
      const k = c as CompletedCase;
      const factor = c.compiler.id === 'ort-cpu-all' ? 1.1 : 1;
      k.samples.forEach((x, j) => expect(x).toBeCloseTo((o.samples[j] as number) * factor, 12));
      expect(k.latency.median).toBeCloseTo(o.latency.median * factor, 12);
    });
  });

  it('reports no false alarm on synthetic A/A sub-runs and finds a 10% slowdown of a compiler', () => {
    const { head, base } = makePairedRuns(specs, { rounds: 40, sessions: 8, seed: 5, noise: 0.01, sessionEffect: 0.003 });
    const result = calibratePaired(splitPaired(head, base, 2), DEFAULT_GATE_CONFIG, [1.1]);
    expect(result.subRuns).toBe(4);
    expect(result.falseAlarmRuns.count).toBe(0);
    expect(result.unjudgedCases.count).toBe(0);
    expect(result.compilerDetection.get(1.1)?.rate).toBe(1);
    expect(result.caseDetection10.rate).toBeGreaterThan(0.9);
  });
});
