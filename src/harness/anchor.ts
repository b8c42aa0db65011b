/**
 * The anchor: a fixed workload owned by the harness, measured in every case alongside the compilers,
 * as a ruler for the machine's speed at that moment. It touches no runtime under test (plain
 * JavaScript, a 48×48 by 48×48 single-precision matrix product, ~0.2 ms on a 2020s server core), so a
 * change in a compiler can never move it; a change of the JavaScript engine can, and is recorded in its
 * version, which makes anchored comparisons across engine versions stale instead of wrong.
 */
import v8 from 'node:v8';

/** Changes whenever the workload changes; part of {@link ANCHOR_VERSION}. */
const WORKLOAD_REVISION = 2;
const N = 48;

export const ANCHOR_ID = 'js-matmul-48';
export const ANCHOR_VERSION = `${WORKLOAD_REVISION}/v8-${process.versions.v8}`;

/**
 * The kernel, a plain function of its arrays: as a closure over them V8 would specialise the first
 * closure's code to its context and give every later one slower code (2× here), so the anchor's speed
 * would depend on how many cases came before.
 */
function matmul(a: Float32Array, b: Float32Array, c: Float32Array): void {
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < N; j++) {
      let sum = 0;
      for (let k = 0; k < N; k++) sum += (a[i * N + k] as number) * (b[k * N + j] as number);
      c[i * N + j] = sum;
    }
  }
  // Feed the result back so successive calls depend on each other and stay live.
  a[0] = (c[N * N - 1] as number) * 1e-9;
}

let optimized = false;

/**
 * Left to itself V8 runs the kernel through three tiers, 3× apart in speed, and reaches the fastest
 * after 0.6 to 1.6 s of calls: every spec file (a fresh process) would see the anchor speed up under
 * its first cases. So the kernel is compiled by the optimising compiler before its first use, through
 * V8's own test intrinsics (enabled for this one parse, then disabled again).
 */
function optimizeKernel(a: Float32Array, b: Float32Array, c: Float32Array): void {
  if (optimized) return;
  optimized = true;
  try {
    v8.setFlagsFromString('--allow-natives-syntax');
    const prepare = new Function('f', '%PrepareFunctionForOptimization(f)') as (f: typeof matmul) => void;
    const optimize = new Function('f', '%OptimizeFunctionOnNextCall(f)') as (f: typeof matmul) => void;
    prepare(matmul);
    matmul(a, b, c);
    matmul(a, b, c);
    optimize(matmul);
    matmul(a, b, c);
  } catch {
    // Intrinsics unavailable (another engine): the anchor then warms up as any function does.
  } finally {
    v8.setFlagsFromString('--no-allow-natives-syntax');
  }
}

/** A matrix product of fixed inputs; the result is kept so the engine cannot drop the work. */
export function createAnchor(): () => void {
  const a = Float32Array.from({ length: N * N }, (_, i) => ((i * 7) % 13) / 13 - 0.5);
  const b = Float32Array.from({ length: N * N }, (_, i) => ((i * 5) % 11) / 11 - 0.5);
  const c = new Float32Array(N * N);
  optimizeKernel(a, b, c);
  return () => matmul(a, b, c);
}

/**
 * Watches the anchor's speed over a process's cases, to tell rounds taken while the machine was
 * disturbed (a neighbour's burst of work, a frequency dip) from quiet ones. Interleaving cancels a
 * slowdown that hits all arms alike, but a disturbance hits a memory-bound model harder than a fused
 * one, so ratios measured during one are off (on this project's 2-core VM, by up to 17% in rounds
 * where the anchor ran 30% slow). The anchor's quiet speed is a low quantile of the round means seen so
 * far — over a window long enough (thousands of rounds, half a minute or more) that a slow spell of
 * several seconds cannot pass for quiet; a round whose anchor mean exceeds it by more than the
 * tolerance is set aside.
 */
export class AnchorWatch {
  readonly #recent: number[] = [];

  /**
   * @param window Round means remembered (the most recent ones).
   * @param quantile The quantile of them taken as the quiet speed.
   */
  constructor(
    private readonly window = 5000,
    private readonly quantile = 0.05,
  ) {}

  /** Records one round's mean anchor latency (ms per call). */
  observe(meanMs: number): void {
    if (!(meanMs > 0)) return;
    this.#recent.push(meanMs);
    if (this.#recent.length > this.window) this.#recent.shift();
  }

  /** The quiet speed (ms per call), or null until enough rounds have been seen to tell. */
  quietMs(): number | null {
    if (this.#recent.length < 10) return null;
    const sorted = [...this.#recent].sort((a, b) => a - b);
    return sorted[Math.floor(this.quantile * (sorted.length - 1))] as number;
  }

  /** Runs the anchor alone in short blocks until the quiet speed is known. */
  seed(anchor: () => void, blockMs = 2, rounds = 20): void {
    for (let r = 0; r < rounds; r++) {
      let calls = 0;
      const start = performance.now();
      while (performance.now() - start < blockMs) {
        anchor();
        calls += 1;
      }
      this.observe((performance.now() - start) / calls);
    }
  }
}

/** The process's watch: every case of a process sees the same machine. */
export const ANCHOR_WATCH = new AnchorWatch();

/**
 * A round is disturbed when its anchor mean exceeds the quiet speed by more than this fraction. On the
 * 2-core VM, ratios in rounds within 10% of quiet were within 2% of those in rounds within 5%.
 */
export const DISTURBANCE_TOLERANCE = 0.1;
