/**
 * Robustness: models that fail to load or compile in one compiler. A user's ONNX file runs on ONNX
 * Runtime and is unavailable on TF.js (whose adapters execute the graph IR only), with that reason, not
 * failed; a second file names an operator ONNX Runtime does not have and fails in `compile` with the
 * runtime's own message. Every other case of the run is still measured; the run exits 1 and the report
 * lists both.
 */
import { toBinary } from '@bufbuild/protobuf';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModelProtoSchema } from '../src/graph/onnx-proto/onnx_pb.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildModel } from '../fixtures/index.ts';
import { parseOnnx } from '../src/graph/onnx.ts';
import type { RunResult } from '../src/results/schema.ts';
import { linesStartingWith, runBench, type BenchChildResult } from './support/bench-child.ts';

const models = mkdtempSync(join(tmpdir(), 'gcb-models-'));
let child: BenchChildResult;
let run: RunResult;

beforeAll(async () => {
  const good = join(models, 'user-net.onnx');
  writeFileSync(good, buildModel('plain-conv', { depth: 1 }).onnx);
  // The same block with its ReLU renamed to an operator ONNX Runtime does not know.
  const model = parseOnnx(buildModel('plain-conv', { depth: 1 }).onnx);
  const relu = model.graph?.node.find((node) => node.opType === 'Relu');
  if (relu === undefined) throw new Error('plain-conv has no Relu');
  relu.opType = 'Relu6';
  const broken = join(models, 'broken-net.onnx');
  writeFileSync(broken, toBinary(ModelProtoSchema, model));

  child = await runBench({ args: ['models/', 'blocks/'], env: { GCB_FAULT_ONNX: good, GCB_FAULT_BROKEN_ONNX: broken } });
  run = await child.latest();
}, 60_000);
afterAll(() => {
  child?.cleanup();
  rmSync(models, { recursive: true, force: true });
});

describe('a model that fails to compile in one compiler, and one a compiler cannot run', () => {
  it("fails that case in compile with the runtime's message; the rest of the run is measured", () => {
    expect(child.code).toBe(1);
    expect(run.complete).toBe(true);
    expect(run.cases.map((c) => [c.key, c.state])).toEqual([
      ['blocks/plain-conv/ort-cpu-all/b=1/d=1', 'completed'],
      ['models/broken-net/ort-cpu-all/b=1', 'failed'],
      ['models/user-net/ort-cpu-all/b=1', 'completed'],
      ['models/user-net/tfjs-cpu/b=1', 'unavailable'],
    ]);
    const failed = linesStartingWith(child.stdout, 'bench: FAILED');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatch(
      /^bench: FAILED models\/broken-net\/ort-cpu-all\/b=1 \(compile\): .*No Op registered for Relu6 with domain_version of \d+/,
    );
    const tfjs = run.cases.find((c) => c.key === 'models/user-net/tfjs-cpu/b=1');
    expect(tfjs?.state === 'unavailable' && tfjs.reason).toBe(
      'tfjs-cpu runs models built from this suite\'s graph IR only (fixtures/); "user-net" is an ONNX file, which TF.js cannot load (it has no ONNX importer)',
    );
  });

  it('the report fails and shows both failures with their messages', () => {
    const report = child.report();
    expect(report).toMatch(/^## ❌ FAIL: .*1 failed/m);
    expect(report).toContain('### Not measured (2)');
    expect(report).toMatch(/\| `models\/broken-net\/ort-cpu-all\/b=1` +\| failed \(compile\) +\| .*No Op registered for Relu6/);
    expect(report).toMatch(/\| `models\/user-net\/tfjs-cpu\/b=1` +\| unavailable +\| tfjs-cpu runs models built from this suite's graph IR only/);
    // The cases that ran are in the report's case list with their latency.
    expect(report).toMatch(/\| `models\/user-net\/ort-cpu-all\/b=1` +\| +\d/);
  });
});
