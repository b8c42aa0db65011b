/**
 * Extending a baseline with cases measured later (`pnpm bench:baseline … --extend`): disjoint series
 * join it; a case, a series or a compiler's archetypes in both are refused, naming what conflicts.
 */
import { describe, expect, it } from 'vitest';
import { extendBaseline } from '../src/results/baseline-extend.ts';
import { BaselineError } from '../src/results/baseline.ts';
import type { RunResult } from '../src/results/schema.ts';
import { baselineOf } from './support/gate-harness.ts';
import { evenSamples, makeRun, type SyntheticCase } from './support/synthetic-run.ts';

const constant = (value: number) => Array.from({ length: 31 }, () => value);
const files = { existing: 'baselines/x.json', addition: 'new.json' };

/** `compiler` and its reference on one block at depths 1 and 4 and batches 1 and 4. */
const blockCases = (model: string, compiler: string): SyntheticCase[] =>
  [1, 4].flatMap((depth) =>
    [1, 4].flatMap((batch) => [
      { model, compiler, batch, depth, samples: evenSamples(depth * batch * 0.5), referenceSamples: constant(depth * batch) },
      { model, compiler: 'ort-cpu-disabled', batch, depth, samples: evenSamples(depth * batch) },
    ]),
  );
const archetypeCases = (model: string, compiler: string, batches: readonly number[]): SyntheticCase[] =>
  batches.flatMap((batch) => [
    { model, compiler, batch, samples: evenSamples(3 * batch), referenceSamples: constant(5 * batch) },
    { model, compiler: 'ort-cpu-disabled', batch, samples: evenSamples(5 * batch) },
  ]);
const at = (run: RunResult, startedAt: string): RunResult => ({ ...run, startedAt, finishedAt: startedAt });

describe('extending a baseline', () => {
  it('adds the cases and derived metrics of disjoint series, and lists both as parts', () => {
    const existing = baselineOf(at(makeRun([...blockCases('mixer', 'ort-cpu-all'), ...archetypeCases('vit-like', 'ort-cpu-all', [1, 4])]), '2026-01-01T10:00:00.000Z'));
    const addition = baselineOf(at(makeRun(blockCases('convnext', 'ort-cpu-basic')), '2026-01-02T10:00:00.000Z'));
    const extended = extendBaseline(existing, addition, files);
    expect(extended.cases.map((c) => c.key)).toEqual([...existing.cases, ...addition.cases].map((c) => c.key).sort());
    expect(extended.metrics.friction).toHaveLength(existing.metrics.friction.length + addition.metrics.friction.length);
    expect(extended.metrics.depthGain.map((d) => d.series)).toEqual(expect.arrayContaining(['blocks/mixer/ort-cpu-all/b=1', 'blocks/convnext/ort-cpu-basic/b=4']));
    expect(extended.createdFrom.parts?.map((p) => [p.file, p.cases])).toEqual([
      ['baselines/x.json', existing.cases.length],
      ['new.json', addition.cases.length],
    ]);
    expect(extended.createdFrom).toMatchObject({ startedAt: '2026-01-01T10:00:00.000Z', finishedAt: '2026-01-02T10:00:00.000Z' });
  });

  it('refuses a case that is in the baseline already', () => {
    const existing = baselineOf(makeRun(blockCases('mixer', 'ort-cpu-all')));
    expect(() => extendBaseline(existing, baselineOf(makeRun(blockCases('mixer', 'ort-cpu-all'))), files)).toThrow(
      /cannot extend baselines\/x\.json: 8 case\(s\) are in the baseline already \(blocks\/mixer\/ort-cpu-all\/b=1\/d=1, /,
    );
  });

  it('refuses a friction series that would hold cases of both', () => {
    const existing = baselineOf(makeRun(archetypeCases('vit-like', 'ort-cpu-all', [1, 4]).filter((c) => c.compiler === 'ort-cpu-all')));
    const addition = baselineOf(makeRun(archetypeCases('vit-like', 'ort-cpu-all', [16]).filter((c) => c.compiler === 'ort-cpu-all')));
    expect(() => extendBaseline(existing, addition, files)).toThrow(BaselineError);
    expect(() => extendBaseline(existing, addition, files)).toThrow(
      'the series archetypes/vit-like/ort-cpu-all would hold cases of both (archetypes/vit-like/ort-cpu-all/b=16)',
    );
  });

  it("adds a depth-gain series whose reference's own cases lie in the other: its gain is of ratios measured alongside", () => {
    const cases = blockCases('mixer', 'ort-cpu-all');
    const existing = baselineOf(makeRun(cases.filter((c) => c.compiler === 'ort-cpu-disabled')));
    const addition = baselineOf(makeRun(cases.filter((c) => c.compiler === 'ort-cpu-all')));
    const extended = extendBaseline(existing, addition, files);
    const gains = extended.metrics.depthGain.filter((d) => d.series.startsWith('blocks/mixer/ort-cpu-all/'));
    expect(gains.map((d) => d.series).sort()).toEqual(['blocks/mixer/ort-cpu-all/b=1', 'blocks/mixer/ort-cpu-all/b=4']);
    expect(gains).toEqual(addition.metrics.depthGain.filter((d) => d.series.startsWith('blocks/mixer/ort-cpu-all/')));
  });

  it('refuses a depth-gain series that would hold cases of both', () => {
    const existing = baselineOf(makeRun(blockCases('mixer', 'ort-cpu-all')));
    const deeper: SyntheticCase[] = [
      { model: 'mixer', compiler: 'ort-cpu-all', batch: 1, depth: 8, samples: evenSamples(4), referenceSamples: constant(8) },
      { model: 'mixer', compiler: 'ort-cpu-disabled', batch: 1, depth: 8, samples: evenSamples(8) },
    ];
    const addition = baselineOf(makeRun(deeper));
    expect(() => extendBaseline(existing, addition, files)).toThrow(/the series blocks\/mixer\/ort-cpu-(all|disabled)\/b=1 would hold cases of both/);
  });

  it('refuses a compiler whose archetypes would lie in both (their orderings need every archetype)', () => {
    const existing = baselineOf(makeRun(archetypeCases('vit-like', 'ort-cpu-all', [1, 4])));
    const addition = baselineOf(makeRun(archetypeCases('mixer-like', 'ort-cpu-all', [1, 4])));
    expect(() => extendBaseline(existing, addition, files)).toThrow(/the archetypes of cpu\/ort-cpu-(all|disabled) would lie in both/);
  });

  it('refuses runs of another machine or profile', () => {
    const existing = baselineOf(makeRun(blockCases('mixer', 'ort-cpu-all')));
    const addition = baselineOf(makeRun(blockCases('convnext', 'ort-cpu-all')));
    expect(() => extendBaseline(existing, { ...addition, hardwareId: 'other-machine' }, files)).toThrow(
      'cannot extend baselines/x.json: the new runs differ in hardware ("other-machine", the baseline',
    );
    expect(() => extendBaseline(existing, { ...addition, createdFrom: { ...addition.createdFrom, profile: 'full' } }, files)).toThrow(/differ in profile \("full"/);
  });
});
