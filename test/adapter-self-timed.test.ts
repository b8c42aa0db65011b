/**
 * Adapters of runtimes in another process: a slowed one keeps timing itself (its times grow by the
 * delay), and one that finds it cannot run a model makes the case unavailable, not failed.
 */
import { describe, expect, it } from 'vitest';
import { SlowedAdapter, slowTimes } from '../src/adapters/slowed.ts';
import { UnavailableForModelError, type CompiledModel, type CompilerAdapter, type PreparedRun } from '../src/adapters/types.ts';
import { measureCase } from '../src/harness/measure-case.ts';
import { TinybenchEngine } from '../src/harness/tinybench-engine.ts';
import { tinyModel } from './support/tiny-model.ts';

/** A self-timed adapter whose every call takes exactly 1 ms by its own clock. */
function selfTimed(prepare?: () => never): CompilerAdapter {
  return {
    id: 'self-timed',
    family: 'test',
    hardware: 'cpu',
    settings: {},
    versions: async () => ({}),
    availability: async () => ({ available: true }),
    compile: async (): Promise<CompiledModel> => ({
      prepare: async (_input, batch): Promise<PreparedRun> => {
        prepare?.();
        return {
          mode: 'compute-only',
          run: () => {},
          timedCalls: async (calls) => Array.from({ length: calls }, () => 1),
          compileMs: 42,
          compilePhases: { lowerMs: 40, compileMs: 2 },
          output: async () => new Float32Array(batch),
          release: () => {},
        };
      },
      dispose: async () => {},
    }),
  };
}

describe('self-timed adapters', () => {
  it('slowTimes adds the fixed delay or the fraction to each time', () => {
    expect(slowTimes([1, 2], { kind: 'fixed', ms: 0.5 })).toEqual([1.5, 2.5]);
    expect(slowTimes([1, 2], { kind: 'relative', fraction: 0.25 })).toEqual([1.25, 2.5]);
  });

  it('a slowed self-timed adapter keeps its own times, compile time and phases', async () => {
    const slowed = new SlowedAdapter(selfTimed(), { kind: 'fixed', ms: 0.5 });
    const prepared = await (await slowed.compile(tinyModel())).prepare(new Float32Array(4), 1);
    expect(await prepared.timedCalls?.(3)).toEqual([1.5, 1.5, 1.5]);
    expect(prepared.compileMs).toBe(42);
    expect(prepared.compilePhases).toEqual({ lowerMs: 40, compileMs: 2 });
  });

  it('measures a case on the adapter’s own times and compile time', async () => {
    const result = await measureCase({
      suite: 'models', model: tinyModel(), adapter: selfTimed(), reference: null, batch: 1, engine: new TinybenchEngine(),
      measure: { minTimeMs: 5, minSamples: 5, warmupTimeMs: 0, warmupIterations: 1, maxSamples: 50 },
    });
    expect(result.state).toBe('completed');
    if (result.state !== 'completed') return;
    expect(result.compileMs).toBe(42);
    expect(result.compilePhases).toEqual({ lowerMs: 40, compileMs: 2 });
    expect(new Set(result.samples)).toEqual(new Set([1]));
  });

  it('an adapter that cannot run this model makes the case unavailable with its reason', async () => {
    const result = await measureCase({
      suite: 'models',
      model: tinyModel(),
      adapter: selfTimed(() => {
        throw new UnavailableForModelError('unsupported op NonZero');
      }),
      reference: null,
      batch: 1,
      engine: new TinybenchEngine(),
    });
    expect(result).toMatchObject({ key: 'models/tiny/self-timed/b=1', state: 'unavailable', reason: 'unsupported op NonZero' });
  });
});
