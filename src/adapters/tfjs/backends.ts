/**
 * TF.js backends, registered lazily and activated one at a time.
 *
 * TF.js has one engine per process and exactly one active backend. A tensor lives on the backend that
 * made it; using it while another backend is active makes TF.js silently copy it over. So every
 * compiled model activates its own backend before it compiles or runs, activation is serialised, and
 * backends stay registered (and their tensors in place) while another one is active.
 */
import * as tf from '@tensorflow/tfjs-core';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { existsSync } from 'node:fs';
import { bootstrapWebGpu, defaultRequestAdapter, probeWebGpu, type RequestAdapterFn } from '../webgpu-device.ts';

export type TfjsBackendKind = 'cpu' | 'wasm' | 'webgpu' | 'node' | 'node-gpu';

/** The TF.js backend name each kind registers under. */
export const TFJS_BACKEND_NAME: Readonly<Record<TfjsBackendKind, string>> = {
  cpu: 'cpu',
  wasm: 'wasm',
  webgpu: 'webgpu',
  node: 'tensorflow',
  'node-gpu': 'tensorflow',
};

/** The npm package that provides each backend. */
export const TFJS_BACKEND_PACKAGE: Readonly<Record<TfjsBackendKind, string>> = {
  cpu: '@tensorflow/tfjs-backend-cpu',
  wasm: '@tensorflow/tfjs-backend-wasm',
  webgpu: '@tensorflow/tfjs-backend-webgpu',
  node: '@tensorflow/tfjs-node',
  'node-gpu': '@tensorflow/tfjs-node-gpu',
};

const require = createRequire(import.meta.url);

/** Whether a package resolves from here (without loading it). */
export function isInstalled(spec: string): boolean {
  try {
    require.resolve(spec);
    return true;
  } catch {
    return false;
  }
}

/** SIMD support, detected the way tfjs-backend-wasm does (its flag WASM_HAS_SIMD_SUPPORT). */
export const WASM_SIMD = (() => {
  try {
    return WebAssembly.validate(
      new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 10, 9, 1, 7, 0, 65, 0, 253, 15, 26, 11]),
    );
  } catch {
    return false;
  }
})();

/** Directory holding tfjs-backend-wasm's .wasm binaries (its dist folder), with a trailing slash. */
export function wasmBinaryDir(): string {
  return `${dirname(require.resolve('@tensorflow/tfjs-backend-wasm'))}/`;
}

export function wasmBinaryName(): string {
  // In Node TF.js never uses the threaded binary (WASM_HAS_MULTITHREAD_SUPPORT is false when IS_NODE).
  return WASM_SIMD ? 'tfjs-backend-wasm-simd.wasm' : 'tfjs-backend-wasm.wasm';
}

let prodModeSet = false;
/** Production mode: no debug checks and no console chatter (e.g. the CPU backend's tfjs-node hint). */
function setProdMode(): void {
  if (prodModeSet) return;
  prodModeSet = true;
  tf.enableProdMode();
}

/** The last error a backend factory threw: TF.js swallows it (setBackend just returns false). */
const initErrors = new Map<string, Error>();

/** Re-registers `name`'s factory so that an initialisation failure is kept for the error message. */
function recordFactoryErrors(name: string, priority: number): void {
  const factory = tf.findBackendFactory(name);
  if (factory === null || factory === undefined) return;
  tf.removeBackend(name);
  tf.registerBackend(
    name,
    async () => {
      try {
        return await factory();
      } catch (error) {
        initErrors.set(name, error instanceof Error ? error : new Error(String(error)));
        throw error;
      }
    },
    priority,
  );
}

const registered = new Map<TfjsBackendKind, Promise<void>>();

/** The adapter request TF.js's WebGPU backend uses (injectable for tests). */
let webGpuRequestAdapter: RequestAdapterFn = defaultRequestAdapter;

export function setWebGpuRequestAdapter(fn: RequestAdapterFn): void {
  webGpuRequestAdapter = fn;
}

/** Imports and registers a backend once. Throws when its package cannot be loaded. */
export function registerBackend(kind: TfjsBackendKind): Promise<void> {
  let pending = registered.get(kind);
  if (pending === undefined) {
    pending = doRegister(kind);
    registered.set(kind, pending);
    // A failed registration may be retried (e.g. after installing a package).
    pending.catch(() => registered.delete(kind));
  }
  return pending;
}

async function doRegister(kind: TfjsBackendKind): Promise<void> {
  setProdMode();
  switch (kind) {
    case 'cpu':
      await import('@tensorflow/tfjs-backend-cpu');
      recordFactoryErrors('cpu', 1);
      return;
    case 'wasm': {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      const dir = wasmBinaryDir();
      if (!existsSync(join(dir, wasmBinaryName()))) throw new Error(`tfjs-backend-wasm binary ${wasmBinaryName()} not found in ${dir}`);
      // Node loads the binaries from the file system; point TF.js at the package's own dist folder.
      wasm.setWasmPaths(dir);
      recordFactoryErrors('wasm', 2);
      return;
    }
    case 'webgpu': {
      const gpu = await bootstrapWebGpu();
      if (gpu instanceof Error) throw gpu;
      // Imported after the bootstrap; it registers kernels always, and a factory only if navigator.gpu
      // exists. Its factory is replaced by ours, which uses the shared (injectable) adapter request.
      const module = await import('@tensorflow/tfjs-backend-webgpu');
      if (tf.findBackendFactory('webgpu') !== null && tf.findBackendFactory('webgpu') !== undefined) tf.removeBackend('webgpu');
      tf.registerBackend(
        'webgpu',
        async () => {
          try {
            const probe = await probeWebGpu(webGpuRequestAdapter);
            if (!probe.available) throw new Error(probe.reason);
            const adapter = probe.adapter;
            const limits = adapter.limits;
            // The same device request as tfjs-backend-webgpu's own factory.
            const device = await adapter.requestDevice({
              requiredFeatures: adapter.features.has('timestamp-query') ? ['timestamp-query'] : [],
              requiredLimits: {
                maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
                maxComputeWorkgroupsPerDimension: limits.maxComputeWorkgroupsPerDimension,
                maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
                maxBufferSize: limits.maxBufferSize,
                maxComputeWorkgroupSizeX: limits.maxComputeWorkgroupSizeX,
                maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup,
              },
            });
            return new module.WebGPUBackend(device, adapter.info);
          } catch (error) {
            initErrors.set('webgpu', error instanceof Error ? error : new Error(String(error)));
            throw error;
          }
        },
        3,
      );
      // Every kernel runs on the GPU: no CPU forwarding of small CPU-resident tensors.
      tf.env().set('WEBGPU_CPU_FORWARD', false);
      return;
    }
    case 'node':
    case 'node-gpu': {
      const spec = TFJS_BACKEND_PACKAGE[kind];
      if (!isInstalled(spec)) throw new Error(tfjsNodeMissingReason(kind));
      await import(/* @vite-ignore */ spec);
      if (tf.findBackendFactory('tensorflow') === null || tf.findBackendFactory('tensorflow') === undefined) {
        throw new Error(
          `${spec} loaded but registered no "tensorflow" backend with this @tensorflow/tfjs-core ${tf.version_core} ` +
            '(it must resolve the same tfjs-core instance: install matching versions)',
        );
      }
      recordFactoryErrors('tensorflow', 3);
      return;
    }
  }
}

export function tfjsNodeMissingReason(kind: 'node' | 'node-gpu'): string {
  return (
    `${TFJS_BACKEND_PACKAGE[kind]} is not installed (it downloads libtensorflow${kind === 'node-gpu' ? ' with GPU support' : ''} ` +
    'at install time; install it where that host is reachable)'
  );
}

let activation: Promise<unknown> = Promise.resolve();

/**
 * Makes `kind` the active TF.js backend (registering and initialising it on first use). Serialised:
 * concurrent callers activate one after the other.
 */
export function activateBackend(kind: TfjsBackendKind): Promise<void> {
  const next = activation.then(() => doActivate(kind));
  activation = next.catch(() => undefined);
  return next;
}

async function doActivate(kind: TfjsBackendKind): Promise<void> {
  const name = TFJS_BACKEND_NAME[kind];
  if (tf.getBackend() === name && tf.engine().registryFactory[name] !== undefined) return;
  await registerBackend(kind);
  initErrors.delete(name);
  const ok = await tf.setBackend(name);
  if (!ok) {
    const cause = initErrors.get(name);
    throw new Error(`TF.js backend "${name}" failed to initialise${cause === undefined ? '' : `: ${cause.message}`}`, { cause });
  }
}

/** Whether `kind` is the active backend now (cheap; for the timed path). */
export function isActive(kind: TfjsBackendKind): boolean {
  return tf.getBackend() === TFJS_BACKEND_NAME[kind];
}

/**
 * Disposes a backend's instance and every tensor on it (its factory stays registered, so a later
 * activation starts a fresh one). For tests and for releasing a GPU device at the end of a run.
 */
export async function disposeBackend(kind: TfjsBackendKind): Promise<void> {
  await activation;
  const name = TFJS_BACKEND_NAME[kind];
  const factory = tf.findBackendFactory(name);
  if (factory === null || factory === undefined) return;
  const priority = tf.engine().registryFactory[name]?.priority ?? 1;
  tf.removeBackend(name);
  tf.registerBackend(name, factory, priority);
}
