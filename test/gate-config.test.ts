import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_GATE_CONFIG,
  GateConfigError,
  loadGateConfig,
  metricsOptionsFromGateConfig,
  parseGateConfig,
  thresholdFor,
} from '../src/gate/config.ts';

const dir = await mkdtemp(join(tmpdir(), 'gcb-gate-config-'));
afterAll(() => rm(dir, { recursive: true, force: true }));
const FILE = 'gate.config.json';

function errorOf(value: unknown): string {
  try {
    parseGateConfig(typeof value === 'string' ? value : JSON.stringify(value), FILE);
  } catch (error) {
    expect(error).toBeInstanceOf(GateConfigError);
    return (error as Error).message;
  }
  throw new Error('expected an error');
}

describe('gate config', () => {
  it('the repository gate.config.json is valid and matches the documented defaults', async () => {
    const config = await loadGateConfig(new URL('../gate.config.json', import.meta.url).pathname);
    expect(config.confidence).toBe(0.99);
    expect(config.bootstrap.resamples).toBe(2000);
    expect(config.threshold.default).toBe(0.1);
    expect(config.reference.byHardware.cpu).toBe('ort-cpu-disabled');
    for (const metric of ['latency', 'friction-beta', 'depth-gain'] as const) {
      expect(thresholdFor(config, metric, 'ort-cpu-all')).toBe(thresholdFor(DEFAULT_GATE_CONFIG, metric, 'ort-cpu-all'));
    }
  });

  it('uses the defaults when the file is absent, and for options the file leaves out', async () => {
    expect(await loadGateConfig(join(dir, 'absent.json'))).toEqual(DEFAULT_GATE_CONFIG);
    const path = join(dir, 'partial.json');
    await writeFile(path, JSON.stringify({ confidence: 0.95, threshold: { byCompiler: { 'tfjs-webgpu': 0.25 } } }));
    const c = await loadGateConfig(path);
    expect(c.confidence).toBe(0.95);
    expect(c.bootstrap).toEqual(DEFAULT_GATE_CONFIG.bootstrap);
    expect(thresholdFor(c, 'latency', 'tfjs-webgpu')).toBe(0.25);
    expect(thresholdFor(c, 'latency', 'ort-cpu-all')).toBe(0.1);
  });

  it('names the option and the bad value', () => {
    expect(errorOf({ threshold: { default: 'abc' } })).toBe('gate.config.json: threshold.default must be a number between 0 and 10, got "abc"');
    expect(errorOf({ threshold: { default: 11 } })).toBe('gate.config.json: threshold.default must be a number between 0 and 10, got 11');
    expect(errorOf({ confidence: 1.5 })).toBe('gate.config.json: confidence must be a number between 0.5 and 0.9999, e.g. 0.99, got 1.5');
    expect(errorOf({ bootstrap: { resamples: 10.5 } })).toBe('gate.config.json: bootstrap.resamples must be a whole number from 200 to 100000, got 10.5');
    expect(errorOf({ mannWhitney: { require: 'yes' } })).toBe('gate.config.json: mannWhitney.require must be true or false, got "yes"');
    expect(errorOf({ reference: { byHardware: { cpu: '' } } })).toBe(
      'gate.config.json: reference.byHardware.cpu must be a compiler id (a non-empty string), got ""',
    );
  });

  it('rejects unknown options and unknown metric ids', () => {
    expect(errorOf({ confidnce: 0.9 })).toBe('gate.config.json: top level: unknown option "confidnce"');
    expect(errorOf({ threshold: { defualt: 0.1 } })).toBe('gate.config.json: threshold: unknown option "defualt"');
    expect(errorOf({ threshold: { byMetric: { speed: 0.1 } } })).toMatch(/^gate\.config\.json: threshold\.byMetric\.speed: unknown metric id; known: latency, /);
  });

  it('reports malformed JSON with the file name', () => {
    expect(errorOf('{ "confidence": ')).toMatch(/^gate\.config\.json: not valid JSON .*truncated$/);
    expect(errorOf('[]')).toBe('gate.config.json: expected a JSON object of options at the top level');
  });

  it('resolves thresholds: compiler+metric, compiler, metric, default', () => {
    const c = {
      ...DEFAULT_GATE_CONFIG,
      threshold: {
        default: 0.1,
        byMetric: { 'friction-beta': 0.05 },
        byCompiler: { 'tfjs-webgpu': 0.3, 'ort-cpu-all': { latency: 0.2 } },
      },
    };
    expect(thresholdFor(c, 'latency', 'ort-cpu-all')).toBe(0.2);
    expect(thresholdFor(c, 'friction-beta', 'ort-cpu-all')).toBe(0.05);
    expect(thresholdFor(c, 'friction-beta', 'tfjs-webgpu')).toBe(0.3);
    expect(thresholdFor(c, 'depth-gain', 'ort-cpu-basic')).toBe(0.1);
  });

  it('gives metrics options that match the gate', () => {
    expect(metricsOptionsFromGateConfig(DEFAULT_GATE_CONFIG)).toEqual({
      reference: DEFAULT_GATE_CONFIG.reference,
      bootstrap: { resamples: 2000, confidence: 0.99, seed: DEFAULT_GATE_CONFIG.bootstrap.seed },
    });
  });
});
