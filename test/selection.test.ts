import { describe, expect, it } from 'vitest';
import { selectionFilters, selectionFromEnv } from '../src/selection.ts';
import { getProfile, sweepValues } from '../src/profiles.ts';
import { parseSlowdowns, slowdownFor } from '../src/adapters/slowed.ts';

const known = { compilers: ['ort-cpu-disabled', 'ort-cpu-all'], models: ['resnet-basic', 'vit-like'] };

describe('selection from flags and variables', () => {
  it('defaults to the whole CPU matrix', () => {
    const selection = selectionFromEnv({}, known);
    expect(selection).toEqual({
      compilers: null,
      models: null,
      batches: null,
      depths: null,
      hardware: 'cpu',
      profile: 'default',
      engine: 'tinybench',
    });
    expect(selectionFilters(selection)).toEqual({ hardware: 'cpu' });
  });

  it('parses lists and records them as filters', () => {
    const selection = selectionFromEnv({ GCB_COMPILER: 'ort-cpu-all', GCB_BATCH: '1, 8', GCB_DEPTH: '4', GCB_HARDWARE: 'all' }, known);
    expect(selection.batches).toEqual([1, 8]);
    expect(selectionFilters(selection)).toEqual({ compiler: 'ort-cpu-all', batch: '1,8', depth: '4' });
  });

  it.each([
    [{ GCB_COMPILER: 'ort-cpu-fast' }, 'unknown compiler "ort-cpu-fast"; valid compilers: ort-cpu-disabled, ort-cpu-all'],
    [{ GCB_MODEL: 'resnet' }, 'unknown model "resnet"; valid blocks and archetypes: resnet-basic, vit-like'],
    [{ GCB_PROFILE: 'fast' }, 'GCB_PROFILE (--profile): unknown value "fast"; valid values: default, quick, full'],
    [{ GCB_ENGINE: 'benchmark.js' }, 'GCB_ENGINE (--engine): unknown value "benchmark.js"; valid values: tinybench, mitata'],
    [{ GCB_HARDWARE: 'tpu' }, 'GCB_HARDWARE (--hardware): unknown value "tpu"; valid values: cpu, gpu, all'],
    [{ GCB_BATCH: '1,x' }, 'GCB_BATCH (--batch) must be positive whole numbers separated by commas, got "x"'],
    [{ GCB_DEPTH: '0' }, 'GCB_DEPTH (--depth) must be positive whole numbers separated by commas, got "0"'],
  ])('rejects %o with a message listing the valid values', (env, message) => {
    expect(() => selectionFromEnv(env, known)).toThrow(message);
  });
});

describe('profiles', () => {
  it('keeps the smallest, middle and largest values for the quick sweep', () => {
    expect(sweepValues([8, 1, 2, 4, 16], 'ends')).toEqual([1, 4, 16]);
    expect(sweepValues([1, 2, 4, 8], 'ends')).toEqual([1, 2, 8]);
    expect(sweepValues([1, 2], 'ends')).toEqual([1, 2]);
    expect(sweepValues([4, 1, 4], 'all')).toEqual([1, 4]);
  });

  it('names the valid profiles for an unknown one', () => {
    expect(() => getProfile('nightly')).toThrow('unknown profile "nightly"; valid profiles: default, quick, full');
  });
});

describe('test-only slowdown setting', () => {
  it('parses fixed and relative delays per compiler', () => {
    const slowdowns = parseSlowdowns('ort-cpu-all=0.5ms, *=10%');
    expect(slowdownFor(slowdowns, 'ort-cpu-all')).toEqual({ kind: 'fixed', ms: 0.5 });
    expect(slowdownFor(slowdowns, 'ort-cpu-basic')).toEqual({ kind: 'relative', fraction: 0.1 });
    expect(parseSlowdowns(undefined).size).toBe(0);
  });

  it('rejects anything else with the bad entry named', () => {
    expect(() => parseSlowdowns('ort-cpu-all=fast')).toThrow('GCB_TEST_SLOWDOWN: "ort-cpu-all=fast" is not');
  });
});
