import { describe, expect, it } from 'vitest';
import { computeMetrics } from '../src/metrics/compute.ts';
import { BaselineError, baselineFromRun, parseBaseline, type Baseline } from '../src/results/baseline.ts';
import { makeRun, sweep } from './support/synthetic-run.ts';

const FILE = 'baselines/x.json';

function validBaseline(): Baseline {
  const run = makeRun([
    ...sweep({ model: 'resnet-basic', compiler: 'ort-cpu-disabled' }, [1, 2], [1, 2], (b, d) => b * (d as number)),
    ...sweep({ model: 'resnet-basic', compiler: 'ort-cpu-all' }, [1, 2], [1, 2], (b, d) => 0.5 * b * (d as number)),
  ]);
  return baselineFromRun(run, computeMetrics(run, { bootstrap: { resamples: 100 } }));
}

function errorOf(text: string): BaselineError {
  try {
    parseBaseline(text, FILE);
  } catch (error) {
    expect(error).toBeInstanceOf(BaselineError);
    return error as BaselineError;
  }
  throw new Error('expected parseBaseline to throw');
}

describe('parseBaseline errors name the file and the problem', () => {
  const good = JSON.stringify(validBaseline(), null, 2);

  it('accepts a valid baseline', () => {
    expect(parseBaseline(good, FILE).cases).toHaveLength(8);
  });

  it('reports malformed JSON', () => {
    const e = errorOf('{ "schemaVersion": 1, oops }');
    expect(e.message).toMatch(/^baselines\/x\.json: not valid JSON \(/);
    expect(e.file).toBe(FILE);
  });

  it('reports a truncated file', () => {
    expect(errorOf(good.slice(0, good.length / 2)).message).toMatch(/^baselines\/x\.json: not valid JSON .*the file looks truncated$/);
    expect(errorOf('').message).toBe('baselines/x.json: the file is empty');
  });

  it('reports an unsupported schemaVersion with the version found and the one supported', () => {
    const e = errorOf(JSON.stringify({ ...JSON.parse(good), schemaVersion: 1 }));
    expect(e.message).toBe(
      'baselines/x.json: baseline schemaVersion 1 is not supported (this version reads schemaVersion 3); re-create the baseline from a fresh complete run',
    );
    expect(errorOf('{"cases": []}').message).toMatch(/schemaVersion is missing \(supported: 3\)/);
  });

  it('reports unknown keys with their path', () => {
    const data = JSON.parse(good);
    data.cases[1].colour = 'blue';
    expect(errorOf(JSON.stringify(data)).message).toBe('baselines/x.json: cases[1]: unknown key "colour"');
    const top = { ...JSON.parse(good), extra: true };
    expect(errorOf(JSON.stringify(top)).message).toBe('baselines/x.json: top level: unknown key "extra"');
  });

  it('reports missing fields and wrong types with the zod path', () => {
    const data = JSON.parse(good);
    delete data.cases[3].median;
    expect(errorOf(JSON.stringify(data)).message).toBe('baselines/x.json: cases[3].median: missing (expected number)');
    const wrong = JSON.parse(good);
    wrong.cases[3].median = 'fast';
    expect(errorOf(JSON.stringify(wrong)).message).toBe('baselines/x.json: cases[3].median: expected number, received string');
    const noMetrics = JSON.parse(good);
    delete noMetrics.metrics;
    expect(errorOf(JSON.stringify(noMetrics)).message).toBe('baselines/x.json: metrics: missing (expected object)');
  });

  it('rejects a completed case without the ratio it is judged on, or with an empty sample set of it', () => {
    const data = JSON.parse(good);
    const judged = data.cases[0].judged;
    data.cases[0].judged = null;
    expect(errorOf(JSON.stringify(data)).message).toBe('baselines/x.json: cases[0].judged must be set for a completed case, got null');
    data.cases[0].judged = { ...judged, samples: [] };
    expect(errorOf(JSON.stringify(data)).message).toMatch(/^baselines\/x\.json: cases\[0\]\.judged\.samples: /);
  });

  it('reports a non-object top level', () => {
    expect(errorOf('[1, 2]').message).toBe('baselines/x.json: expected a JSON object at the top level, got an array');
  });
});
