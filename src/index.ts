/**
 * The package's entry point, `graph-compiler-bench`: what a spec file needs, and the result types for
 * tools that read results/latest.json.
 *
 * ```ts
 * // benches/models/my-net/ort-cpu-all.bench.ts
 * import { benchSpec } from 'graph-compiler-bench';
 * benchSpec({ model: { name: 'my-net', path: 'models/my-net.onnx' }, compiler: 'ort-cpu-all', batches: [1, 8] });
 * ```
 */
export { benchGroup, benchSpec, type BenchGroup, type BenchSpec, type InputDtype, type UserModelInput, type UserModelRef } from './spec.ts';
export { COMPILER_IDS, REFERENCE_COMPILER } from './adapters/registry.ts';
export { ARCHETYPE_IDS, BLOCK_IDS } from '../fixtures/index.ts';
export type { Availability, CompiledModel, CompilerAdapter, CompilerSettings, HardwareKind, ModelArtifact, PreparedRun, RunMode } from './adapters/types.ts';
export type { MeasureOptions } from './harness/engine.ts';
export { loadRunResult, ResultsFileError } from './results/run-file.ts';
export { caseKey, SCHEMA_VERSION, type CaseResult, type CompletedCase, type FailedCase, type RunPart, type RunResult, type UnavailableCase } from './results/schema.ts';
