import { describe, expect, it } from 'vitest';
import { NullAdapter } from '../src/adapters/null.ts';
import { SlowedAdapter } from '../src/adapters/slowed.ts';
import { DEFAULT_MEASURE_OPTIONS, type MeasuringEngine } from '../src/harness/engine.ts';
import { createEngine } from '../src/harness/engines.ts';
import { measureCase } from '../src/harness/measure-case.ts';
import { CaseResultSchema } from '../src/results/schema.ts';
import { tinyModel } from './support/tiny-model.ts';

const spin = (ms: number) => {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // busy
  }
};

describe.each(['tinybench', 'mitata'] as const)('the %s engine', (name) => {
  let engine: MeasuringEngine;
  it('loads by name', async () => {
    engine = await createEngine(name);
    expect(engine.name).toBe(name);
    expect(engine.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('keeps every sample in the order taken and none of the warm-up', async () => {
    const durations = [0.2, 0.6, 0.4];
    let calls = 0;
    const measurement = await engine.measure(
      () => {
        spin(durations[calls % 3] as number);
        calls += 1;
      },
      { ...DEFAULT_MEASURE_OPTIONS, minTimeMs: 30, minSamples: 12, warmupTimeMs: 0, warmupIterations: 2 },
    );
    expect(measurement.warmupIterations).toBeGreaterThanOrEqual(2);
    expect(measurement.samples.length).toBeGreaterThanOrEqual(12);
    // Each sample is at least its call's busy wait, and the 0.2/0.6/0.4 pattern survives in order.
    const offset = (calls - measurement.samples.length) % 3;
    measurement.samples.forEach((sample, i) => {
      expect(sample).toBeGreaterThanOrEqual(durations[(offset + i) % 3] as number);
    });
  });

  it('caps the number of samples of a no-op', async () => {
    const measurement = await engine.measure(() => {}, { ...DEFAULT_MEASURE_OPTIONS, maxSamples: 300 });
    expect(measurement.samples.length).toBe(300);
    expect(measurement.stoppedBy).toBe('iterations');
  });

  it('produces a valid result model through the harness', async () => {
    const result = await measureCase({
      suite: 'models',
      model: tinyModel(),
      adapter: new NullAdapter(),
      reference: null,
      batch: 1,
      engine,
      measure: { minTimeMs: 5, minSamples: 5, warmupTimeMs: 0, maxSamples: 100 },
    });
    const parsed = CaseResultSchema.parse(result);
    expect(parsed.state === 'completed' && parsed.engine.name).toBe(name);
  });
});

describe('the test-only slowdown', () => {
  it('adds its delay to every inference and says so in the settings', async () => {
    const engine = await createEngine('tinybench');
    const slowed = new SlowedAdapter(new NullAdapter(), { kind: 'fixed', ms: 0.5 });
    expect(slowed.settings).toMatchObject({ testSlowdown: '0.5ms' });
    const result = await measureCase({
      suite: 'models',
      model: tinyModel(),
      adapter: slowed,
      reference: null,
      batch: 1,
      engine,
      measure: { minTimeMs: 10, minSamples: 5, warmupTimeMs: 0 },
    });
    expect(result.state === 'completed' && result.latency.min).toBeGreaterThanOrEqual(0.5);
  });
});
