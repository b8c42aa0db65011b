/**
 * Vendor graph compilers in a Python process (PyTorch eager, Inductor, CUDA graphs; JAX/XLA), driven
 * over the worker protocol (docs/worker-protocol.md) by one worker the whole Node process shares
 * (src/worker/python.ts). The worker converts the ONNX model itself, times every call on the device
 * clock and reports its first call as the compile time; this adapter only moves keys, numbers and
 * bytes. Every compiler's settings are decided here, sent with `load`, and checked against the
 * worker's echo, so that the recorded settings are exactly what ran.
 */
import os from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import { cacheOnnx } from '../../fixtures/cache.ts';
import { WorkerError } from '../worker/client.ts';
import {
  CompileAnswerSchema,
  EmptyAnswerSchema,
  float32ToBase64,
  tensorToBase64,
  LoadAnswerSchema,
  OutputAnswerSchema,
  RunAnswerSchema,
  wireTensorToFloat32,
} from '../worker/protocol.ts';
import { sharedPythonWorker, type StartedWorker } from '../worker/python.ts';
import { PYTHON_COMPILERS, type PythonCompilerInfo } from './python-compilers.ts';
import {
  UnavailableForModelError,
  type Availability,
  type CompiledModel,
  type CompilerAdapter,
  type CompilerSettings,
  type GpuInfo,
  type InputTensor,
  type ModelArtifact,
  type PreparedRun,
} from './types.ts';

/** `.cache/worker-models/` at the repository root (git-ignored): the ONNX files the worker reads. */
export const WORKER_MODEL_DIR = fileURLToPath(new URL('../../.cache/worker-models/', import.meta.url));

/**
 * Intra-op threads of the CPU compilers: GCB_TORCH_THREADS when set; else 1 on machines with at most
 * 2 cores (as for ONNX Runtime: a second thread competes with the harness), all logical cores above.
 */
export function torchCpuThreads(): number {
  const text = process.env.GCB_TORCH_THREADS;
  if (text !== undefined && text !== '') {
    const value = Number(text);
    if (!Number.isInteger(value) || value < 1) throw new Error(`GCB_TORCH_THREADS must be a whole number >= 1, got "${text}"`);
    return value;
  }
  const cores = os.availableParallelism();
  return cores <= 2 ? 1 : cores;
}

/** Every setting in force for a compiler, as the worker echoes them (gcb_worker/compilers.py default_settings). */
export function pythonCompilerSettings(info: PythonCompilerInfo): CompilerSettings {
  const settings: Record<string, string | number | boolean> = { dtype: 'float32', mode: info.mode };
  if (info.framework === 'torch') {
    if (info.device === 'cuda') Object.assign(settings, { tf32: false, cudnnBenchmark: false, matmulPrecision: 'highest' });
    else Object.assign(settings, { threads: torchCpuThreads(), threadSpinning: false });
    if (info.compileMode !== null) {
      Object.assign(settings, {
        compileMode: info.compileMode,
        fullGraph: true,
        dynamicShapes: false,
        compileCache: process.env.GCB_TORCH_CACHE_DIR ? 'persistent' : 'per-worker',
      });
      // torch.compile's "reduce-overhead" and "max-autotune" modes both replay CUDA graphs.
      if (info.device === 'cuda') settings.cudaGraphs = info.compileMode === 'reduce-overhead' || info.compileMode === 'max-autotune';
    }
  } else if (info.framework === 'jax') {
    Object.assign(settings, { matmulPrecision: 'highest', memoryPreallocation: false });
  }
  return settings;
}

/** The runtime versions a compiler's results depend on, picked from the worker's hello. */
export function pythonCompilerVersions(info: PythonCompilerInfo, runtimes: Readonly<Record<string, string>>): Record<string, string> {
  const keys = ['python', 'numpy', 'onnx', 'gcb-worker'];
  if (info.framework === 'torch') {
    keys.push('torch');
    if (info.device === 'cuda') keys.push('cuda', 'cudnn');
    if (info.device === 'cuda' && info.compileMode !== null) keys.push('triton');
  } else if (info.framework === 'jax') {
    keys.push('jax', 'jaxlib', ...Object.keys(runtimes).filter((k) => k.startsWith('jax-cuda')));
  }
  return Object.fromEntries(keys.filter((k) => runtimes[k] !== undefined).map((k) => [k, runtimes[k] as string]));
}

let handleCounter = 0;

export class PythonWorkerAdapter implements CompilerAdapter {
  readonly id: string;
  readonly family: string;
  readonly hardware: PythonCompilerInfo['hardware'];
  readonly settings: CompilerSettings;
  readonly #info: PythonCompilerInfo;

  constructor(id: string) {
    const info = PYTHON_COMPILERS[id];
    if (info === undefined) throw new Error(`unknown Python worker compiler "${id}"`);
    this.#info = info;
    this.id = id;
    this.family = info.family;
    this.hardware = info.hardware;
    this.settings = pythonCompilerSettings(info);
  }

  async versions(): Promise<Record<string, string>> {
    try {
      return pythonCompilerVersions(this.#info, (await sharedPythonWorker.get()).hello.runtimes);
    } catch {
      return {}; // availability() says why
    }
  }

  async availability(): Promise<Availability> {
    // A case begins here: a worker still busy with the one before (given up on at its time limit) is replaced.
    sharedPythonWorker.abandonIfBusy();
    let started: StartedWorker;
    try {
      started = await sharedPythonWorker.get();
    } catch (error) {
      return { available: false, reason: error instanceof Error ? error.message : String(error) };
    }
    const offered = started.hello.compilers.find((c) => c.id === this.id);
    if (offered === undefined) return { available: false, reason: `the python worker (${started.python}) does not offer ${this.id}` };
    if (offered.family !== this.family || offered.hardware !== this.hardware) {
      return {
        available: false,
        reason: `the python worker (${started.python}) describes ${this.id} as ${offered.hardware}/${offered.family}, the harness as ${this.hardware}/${this.family}`,
      };
    }
    if (offered.available) return { available: true };
    const tried = started.tried.length > 0 ? ` (passed over: ${started.tried.join('; ')})` : '';
    return { available: false, reason: `${offered.reason ?? 'unavailable, no reason given'}${tried}` };
  }

  async gpuInfo(): Promise<GpuInfo | null> {
    if (this.hardware !== 'gpu') return null;
    try {
      return (await sharedPythonWorker.get()).hello.device ?? null;
    } catch {
      return null;
    }
  }

  async compile(model: ModelArtifact): Promise<CompiledModel> {
    // A user's file is loaded where it is (its external data beside it); fixtures are written to the cache.
    // Spec files name paths from the project root; the worker, another process, is given them absolute.
    const path = model.path !== undefined ? resolve(model.path) : await cacheOnnx(model, WORKER_MODEL_DIR);
    const started = await sharedPythonWorker.get();
    return new PythonCompiledModel(this, started.generation, model, path);
  }

  /** @internal */
  get info(): PythonCompilerInfo {
    return this.#info;
  }
}

class PythonCompiledModel implements CompiledModel {
  readonly #handles = new Set<string>();

  constructor(
    private readonly adapter: PythonWorkerAdapter,
    private readonly generation: number,
    private readonly model: ModelArtifact,
    private readonly path: string,
  ) {}

  #request<S extends z.ZodType>(op: string, fields: Record<string, unknown>, schema: S): Promise<z.infer<S>> {
    return sharedPythonWorker.request(this.generation, op, fields, schema);
  }

  /**
   * A request of the compile steps: the harness records failures in prepare as run-phase failures, so
   * the message says which step of the worker failed (`compile: …`).
   */
  async #inStep<S extends z.ZodType>(op: 'load' | 'compile', fields: Record<string, unknown>, schema: S): Promise<z.infer<S>> {
    try {
      return await this.#request(op, fields, schema);
    } catch (error) {
      if (error instanceof WorkerError) throw new WorkerError(`${op}: ${error.message}`, error.phase);
      throw error;
    }
  }

  async prepare(input: Float32Array, batch: number, feeds?: readonly InputTensor[]): Promise<PreparedRun> {
    const { adapter, model } = this;
    const shape = [batch, ...model.sampleShape];
    const wireInputs =
      feeds === undefined
        ? [{ name: model.inputName, dtype: 'float32', shape, data: float32ToBase64(input) }]
        : feeds.map((feed) => ({ name: feed.name, dtype: feed.dtype, shape: [...feed.dims], data: tensorToBase64(feed.data) }));
    const handle = `${adapter.id}#${++handleCounter}`;
    // The batch is part of the model the worker builds (shapes are folded for it), so `load` comes here.
    const loaded = await this.#inStep(
      'load',
      {
        handle,
        compiler: adapter.id,
        batch,
        model: {
          path: this.path,
          inputs: wireInputs.map(({ name, dtype, shape: dims }) => ({ name, dtype, shape: dims })),
          outputs: [...(model.outputNames ?? [model.outputName])],
        },
        settings: { ...adapter.settings },
      },
      LoadAnswerSchema,
    );
    if (!loaded.available) throw new UnavailableForModelError(loaded.reason);
    this.#handles.add(handle);
    try {
      checkSettings(adapter, loaded.compiler.settings);
      await this.#request('prepare', { handle, inputs: wireInputs }, EmptyAnswerSchema);
      const compiled = await this.#inStep('compile', { handle }, CompileAnswerSchema);
      return this.#run(handle, loaded.mode ?? compiled.mode ?? 'end-to-end', compiled.compileMs, compiled.phases);
    } catch (error) {
      await this.#dispose(handle);
      throw error;
    }
  }

  #run(handle: string, mode: PreparedRun['mode'], compileMs: number, phases: Readonly<Record<string, number>> | undefined): PreparedRun {
    const outputNames = this.model.outputNames ?? [this.model.outputName];
    const timedCalls = async (calls: number): Promise<readonly number[]> => {
      const { times } = await this.#request('run', { handle, calls }, RunAnswerSchema);
      if (times.length !== calls) throw new WorkerError(`python worker answered run of ${calls} calls with ${times.length} times`, 'protocol');
      return times;
    };
    return {
      mode,
      compileMs,
      ...(phases === undefined || Object.keys(phases).length === 0 ? {} : { compilePhases: phases }),
      timedCalls,
      run: async () => {
        await timedCalls(1);
      },
      output: async () => {
        const { outputs } = await this.#request('output', { handle }, OutputAnswerSchema);
        const parts = outputNames.map((outputName) => {
          const named = outputs.find((o) => o.name === outputName);
          if (named === undefined) throw new Error(`python worker returned no output named "${outputName}" (got ${outputs.map((o) => o.name).join(', ')})`);
          return wireTensorToFloat32(named);
        });
        if (parts.length === 1) return parts[0] as Float32Array;
        const joined = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
        parts.reduce((at, part) => (joined.set(part, at), at + part.length), 0);
        return joined;
      },
      release: () => this.#dispose(handle),
    };
  }

  async #dispose(handle: string): Promise<void> {
    if (!this.#handles.delete(handle)) return;
    try {
      await this.#request('dispose', { handle }, EmptyAnswerSchema);
    } catch (error) {
      // A worker that died or was replaced took the handle with it; anything else is a real failure.
      if (!(error instanceof WorkerError) || sharedPythonWorker.isLive(this.generation)) throw error;
    }
  }

  async dispose(): Promise<void> {
    for (const handle of [...this.#handles]) await this.#dispose(handle);
  }
}

/** The worker's echo of the settings must be exactly the recorded ones: otherwise a result would misstate what ran. */
function checkSettings(adapter: PythonWorkerAdapter, echoed: Readonly<Record<string, string | number | boolean>>): void {
  const keys = new Set([...Object.keys(adapter.settings), ...Object.keys(echoed)]);
  const differ = [...keys].filter((k) => adapter.settings[k] !== echoed[k]);
  if (differ.length > 0) {
    const show = (v: unknown) => (v === undefined ? '(none)' : JSON.stringify(v));
    throw new Error(
      `python worker ran ${adapter.id} with settings other than those recorded: ${differ.map((k) => `${k} ${show(echoed[k])} (recorded ${show(adapter.settings[k])})`).join(', ')}`,
    );
  }
}

export function createPythonWorkerAdapter(id: string): PythonWorkerAdapter {
  return new PythonWorkerAdapter(id);
}
