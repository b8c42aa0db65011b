/**
 * ONNX Runtime Web, WebAssembly execution provider, run in Node.js: the same runtime browsers get,
 * compiled to WebAssembly (SIMD), with graph optimisation level `all`.
 *
 *  - `ort-wasm-t1`: one thread;
 *  - `ort-wasm-t2`: two threads (WebAssembly threads = Emscripten pthreads on Node worker_threads over
 *    a SharedArrayBuffer; Node has both, no cross-origin isolation needed).
 *
 * One WebAssembly instance per process. onnxruntime-web instantiates its WebAssembly module once, at
 * the first session, with `env.wasm.numThreads` as it is then; later changes are ignored. So in one
 * process only one thread count can be measured: the adapter that compiles first fixes it, and an
 * adapter asking for another count reports itself unavailable (with that reason) instead of silently
 * running with the wrong number of threads. Measure the other count in a separate process.
 */
import type * as OrtWebTypes from 'onnxruntime-web';
import { packageVersion } from '../harness/package-version.ts';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { NO_SPINNING, OrtCompiledModel, type OrtSessionLike } from './ort-session.ts';
import type { Availability, CompiledModel, CompilerAdapter, CompilerSettings, ModelArtifact } from './types.ts';

type OrtWeb = typeof OrtWebTypes;

export const ORT_WEB_ADAPTER_IDS = ['ort-wasm-t1', 'ort-wasm-t2'] as const;
export type OrtWebAdapterId = (typeof ORT_WEB_ADAPTER_IDS)[number];

export const ORT_WEB_ADAPTER_DESCRIPTIONS: Readonly<Record<OrtWebAdapterId, string>> = {
  'ort-wasm-t1': 'ONNX Runtime Web, WebAssembly (SIMD) execution provider, 1 thread, all graph optimisations',
  'ort-wasm-t2': 'ONNX Runtime Web, WebAssembly (SIMD) execution provider, 2 threads, all graph optimisations',
};

export interface OrtWebOptions {
  /** WebAssembly threads (`env.wasm.numThreads`), 1 or more. */
  readonly threads: number;
  /** @default 'all' */
  readonly optLevel?: 'disabled' | 'basic' | 'extended' | 'all';
}

/**
 * How this process's onnxruntime-web WebAssembly runtime was initialised. Kept on `globalThis` so that
 * it survives re-evaluation of this module (test runners reset their module graph per file but keep
 * node_modules, and with it onnxruntime-web's instance, loaded).
 */
interface OrtWebProcessState {
  /** Threads the runtime was initialised with, as onnxruntime-web reports them after initialisation. */
  threads: number;
  /** Threads that were asked for. */
  requested: number;
  /** Adapter id that initialised it. */
  by: string;
}
const STATE_KEY = Symbol.for('graph-compiler-bench.ort-web.wasm-init');

function processState(): OrtWebProcessState | undefined {
  return (globalThis as Record<symbol, OrtWebProcessState | undefined>)[STATE_KEY];
}

function setProcessState(state: OrtWebProcessState): void {
  (globalThis as Record<symbol, OrtWebProcessState | undefined>)[STATE_KEY] = state;
}

/** The thread count this process's onnxruntime-web runs with, or `null` before its first session. */
export function ortWebInitialisedThreads(): number | null {
  return processState()?.threads ?? null;
}

let ortModule: Promise<OrtWeb> | undefined;

function loadOrtWeb(): Promise<OrtWeb> {
  ortModule ??= import('onnxruntime-web').then((module) => ((module as { default?: OrtWeb }).default ?? module) as OrtWeb);
  ortModule.catch(() => {
    ortModule = undefined;
  });
  return ortModule;
}

/** WebAssembly threads need SharedArrayBuffer, Atomics and workers; `null` when they are all here. */
export function wasmThreadsMissing(): string | null {
  if (typeof SharedArrayBuffer === 'undefined') return 'SharedArrayBuffer is not available';
  if (typeof Atomics === 'undefined') return 'Atomics is not available';
  if (typeof MessageChannel === 'undefined') return 'MessageChannel is not available';
  try {
    new MessageChannel().port1.postMessage(new SharedArrayBuffer(1));
  } catch (error) {
    return `a SharedArrayBuffer cannot be posted to a worker (${error instanceof Error ? error.message : String(error)})`;
  }
  return null;
}

export function ortWebVersion(): string {
  return packageVersion('onnxruntime-web') ?? 'unknown';
}

export class OrtWebAdapter implements CompilerAdapter {
  readonly id: string;
  readonly family = 'onnxruntime-web';
  readonly hardware = 'cpu' as const;
  readonly settings: CompilerSettings;
  readonly threads: number;
  readonly optLevel: NonNullable<OrtWebOptions['optLevel']>;

  constructor(options: OrtWebOptions) {
    if (!Number.isInteger(options.threads) || options.threads < 1) throw new Error(`onnxruntime-web threads must be >= 1, got ${options.threads}`);
    this.threads = options.threads;
    this.optLevel = options.optLevel ?? 'all';
    this.id = `ort-wasm-t${this.threads}${this.optLevel === 'all' ? '' : `-${this.optLevel}`}`;
    this.settings = {
      executionProvider: 'wasm',
      numThreads: this.threads,
      graphOptimizationLevel: this.optLevel,
      executionMode: 'sequential',
      threadSpinning: false,
      simd: true,
      proxy: false,
      wasmBinary: 'ort-wasm-simd-threaded.wasm',
    };
  }

  async versions(): Promise<Record<string, string>> {
    return { 'onnxruntime-web': ortWebVersion() };
  }

  /** Why this adapter cannot run in this process, or `null`. */
  #conflict(): string | null {
    const state = processState();
    if (state === undefined || state.threads === this.threads) return null;
    return (
      `onnxruntime-web initialises its WebAssembly runtime once per process, and here it already runs with ` +
      `numThreads=${state.threads} (set up by ${state.by}); ${this.id} needs ${this.threads}: measure it in a separate process`
    );
  }

  async availability(): Promise<Availability> {
    try {
      await loadOrtWeb();
    } catch (error) {
      return { available: false, reason: `onnxruntime-web failed to load: ${error instanceof Error ? error.message : String(error)}` };
    }
    if (typeof WebAssembly === 'undefined') return { available: false, reason: 'WebAssembly is not available' };
    if (this.threads > 1) {
      const missing = wasmThreadsMissing();
      if (missing !== null) return { available: false, reason: `WebAssembly threads unavailable: ${missing}` };
    }
    const conflict = this.#conflict();
    return conflict === null ? { available: true } : { available: false, reason: conflict };
  }

  async compile(model: ModelArtifact): Promise<CompiledModel> {
    const ort = await loadOrtWeb();
    const conflict = this.#conflict();
    if (conflict !== null) throw new Error(conflict);
    const first = processState() === undefined;
    if (first) {
      ort.env.wasm.numThreads = this.threads;
      ort.env.wasm.proxy = false;
    }
    // onnxruntime-web reads no files itself: external data files (weights beside the .onnx) are handed over as bytes.
    const externalData =
      model.path === undefined || (model.externalData ?? []).length === 0
        ? undefined
        : await Promise.all(
            (model.externalData ?? []).map(async (file) => ({ path: file, data: new Uint8Array(await readFile(join(dirname(model.path as string), file))) })),
          );
    const session = await ort.InferenceSession.create(model.onnx, {
      ...(externalData === undefined ? {} : { externalData }),
      executionProviders: ['wasm'],
      graphOptimizationLevel: this.optLevel,
      executionMode: 'sequential',
      extra: NO_SPINNING,
    });
    if (first) {
      // onnxruntime-web writes back the count it could use (1 when threads are not supported).
      const effective = ort.env.wasm.numThreads ?? this.threads;
      setProcessState({ threads: effective, requested: this.threads, by: this.id });
      if (effective !== this.threads) {
        await session.release();
        throw new Error(`onnxruntime-web fell back to ${effective} thread(s); ${this.id} asked for ${this.threads}`);
      }
    }
    return new OrtCompiledModel((dtype, data, dims) => new ort.Tensor(dtype, data, dims), session as unknown as OrtSessionLike, model);
  }
}

export function createOrtWebAdapter(id: OrtWebAdapterId): OrtWebAdapter {
  return new OrtWebAdapter({ threads: id === 'ort-wasm-t2' ? 2 : 1 });
}
