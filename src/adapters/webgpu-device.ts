/**
 * WebGPU in Node.js through Dawn (the `webgpu` npm package), shared by every adapter that runs on
 * WebGPU (TF.js, ONNX Runtime Web/Node) and by the GPU part of the machine fingerprint.
 *
 * The bootstrap installs the WebGPU globals (`GPUBufferUsage`, `GPUMapMode`, …) on `globalThis` and
 * sets `navigator.gpu`, as a browser would. It runs at most once per process, lazily: importing this
 * module loads nothing native. A missing adapter is data (a reason string), never an exception.
 *
 * See docs/webgpu.md for running it on a CPU-only host through Mesa's lavapipe.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { packageVersion } from '../harness/package-version.ts';
import type { GpuInfo } from './types.ts';

/** `navigator.gpu.requestAdapter`, injectable so availability logic can be tested without a GPU. */
export type RequestAdapterFn = (options?: GPURequestAdapterOptions) => Promise<GPUAdapter | null>;

export type WebGpuProbe =
  | { readonly available: true; readonly adapter: GPUAdapter; readonly info: GpuInfo }
  | { readonly available: false; readonly reason: string };

/** Dawn flags passed to `create()`; empty lets Dawn pick its default backend (Vulkan on Linux). */
const DAWN_FLAGS: string[] = [];

let gpuOrError: GPU | Error | undefined;
let gpuLoading: Promise<GPU | Error> | undefined;

/**
 * Loads Dawn once, installs the WebGPU globals and `navigator.gpu`, and returns the `GPU` object
 * (or the load error, as a value).
 */
export function bootstrapWebGpu(): Promise<GPU | Error> {
  if (gpuOrError !== undefined) return Promise.resolve(gpuOrError);
  gpuLoading ??= (async () => {
    try {
      const { create, globals } = (await import('webgpu')) as {
        create: (flags: string[]) => GPU;
        globals: Record<string, unknown>;
      };
      Object.assign(globalThis, globals);
      const gpu = create(DAWN_FLAGS);
      installNavigatorGpu(gpu);
      gpuOrError = gpu;
    } catch (error) {
      gpuOrError = new Error(`the webgpu package (Dawn for Node) failed to load: ${errorMessage(error)}`);
    }
    return gpuOrError;
  })();
  return gpuLoading;
}

/** Node 20 has no `navigator`; Node 21+ has one without `gpu`. Either way `navigator.gpu` ends up set. */
function installNavigatorGpu(gpu: GPU): void {
  const scope = globalThis as { navigator?: object };
  if (scope.navigator === undefined) {
    Object.defineProperty(globalThis, 'navigator', { value: {}, configurable: true, writable: true });
  }
  const nav = scope.navigator as { gpu?: GPU };
  if (nav.gpu !== gpu) Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true, writable: true });
}

/** The default adapter request: Dawn's `navigator.gpu.requestAdapter` after the bootstrap. */
export const defaultRequestAdapter: RequestAdapterFn = async (options) => {
  const gpu = await bootstrapWebGpu();
  if (gpu instanceof Error) throw gpu;
  return gpu.requestAdapter(options);
};

/**
 * Requests an adapter and describes it, or says why there is none. Never throws.
 * @param requestAdapter injectable for tests; defaults to Dawn.
 */
export async function probeWebGpu(
  requestAdapter: RequestAdapterFn = defaultRequestAdapter,
  options: GPURequestAdapterOptions = { powerPreference: 'high-performance' },
): Promise<WebGpuProbe> {
  let adapter: GPUAdapter | null;
  try {
    adapter = await requestAdapter(options);
  } catch (error) {
    return { available: false, reason: `WebGPU: no adapter (${errorMessage(error)})` };
  }
  if (adapter === null || adapter === undefined) {
    return { available: false, reason: `WebGPU: no adapter (${noAdapterDetails()})` };
  }
  return { available: true, adapter, info: adapterInfo(adapter) };
}

/** The fingerprint's description of the WebGPU adapter, or `null` when there is none. */
export async function getWebGpuAdapterInfo(requestAdapter: RequestAdapterFn = defaultRequestAdapter): Promise<GpuInfo | null> {
  const probe = await probeWebGpu(requestAdapter);
  return probe.available ? probe.info : null;
}

/** Why there is no adapter, or `null` when there is one. */
export async function webGpuUnavailableReason(requestAdapter: RequestAdapterFn = defaultRequestAdapter): Promise<string | null> {
  const probe = await probeWebGpu(requestAdapter);
  return probe.available ? null : probe.reason;
}

export function adapterInfo(adapter: GPUAdapter): GpuInfo {
  // `info` is an interface object whose fields are getters: copy them out one by one.
  const info = ((adapter as { info?: unknown }).info ?? {}) as Partial<Record<string, unknown>>;
  const text = (key: string): string => {
    const value = info[key];
    return typeof value === 'string' ? value : '';
  };
  const fallback = (info as { isFallbackAdapter?: unknown }).isFallbackAdapter === true;
  return {
    vendor: text('vendor'),
    architecture: text('architecture'),
    device: text('device'),
    description: text('description') + (fallback ? ' [fallback adapter]' : ''),
    // GPUAdapterInfo has no driver field; Dawn puts the driver version in `description`
    // (e.g. "llvmpipe: Mesa 25.0.7 (LLVM 15.0.6)").
    driver: text('driver') || driverFromDescription(text('description')),
  };
}

function driverFromDescription(description: string): string {
  const mesa = /Mesa [0-9][^\s)]*/.exec(description);
  return mesa?.[0] ?? '';
}

/** What the host looks like when Dawn returns no adapter: enough to tell what to install. */
function noAdapterDetails(): string {
  const parts: string[] = [`platform ${process.platform}-${process.arch}`];
  if (process.platform === 'linux') {
    const loader = findVulkanLoader();
    parts.push(loader === null ? 'no Vulkan loader (libvulkan.so.1 not found)' : `Vulkan loader ${loader}`);
    const icds = vulkanIcds();
    parts.push(icds.length === 0 ? 'no Vulkan ICD installed' : `Vulkan ICDs: ${icds.join(', ')}`);
    for (const variable of ['VK_ICD_FILENAMES', 'VK_DRIVER_FILES']) {
      const value = process.env[variable];
      if (value !== undefined && value !== '') parts.push(`${variable}=${value}`);
    }
    if (icds.includes('lvp_icd.json') || icds.some((name) => name.startsWith('lvp_icd'))) {
      parts.push("lavapipe's ICD is installed but gave no adapter (Dawn refuses Mesa 22's lavapipe; Mesa 25's works)");
    }
    parts.push('see docs/webgpu.md: install mesa-vulkan-drivers from bookworm-backports for a CPU adapter');
  }
  return parts.join('; ');
}

const LIBRARY_DIRS = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib', '/lib/x86_64-linux-gnu'];

function findVulkanLoader(): string | null {
  for (const dir of LIBRARY_DIRS) {
    const path = join(dir, 'libvulkan.so.1');
    if (existsSync(path)) return path;
  }
  return null;
}

function vulkanIcds(): string[] {
  const found: string[] = [];
  for (const dir of ['/usr/share/vulkan/icd.d', '/etc/vulkan/icd.d', '/usr/local/share/vulkan/icd.d']) {
    try {
      for (const name of readdirSync(dir)) if (name.endsWith('.json')) found.push(name);
    } catch {
      // directory absent
    }
  }
  return found;
}

/** Version of the `webgpu` package (Dawn build), or `null` when it is not installed. */
export function webGpuPackageVersion(): string | null {
  return packageVersion('webgpu');
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
