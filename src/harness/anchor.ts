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
 * A round is disturbed when its anchor mean exceeds the case's quiet anchor speed (the 10th percentile
 * of its round means) by more than this fraction. A drift does not slow all workloads alike: on this
 * project's 2-core VM, in rounds where the anchor ran 30% slow, a memory-bound model slowed more than a
 * fused one and their ratio moved by up to 17%; in rounds within 10% of quiet it stayed within 2%.
 */
export const DISTURBANCE_TOLERANCE = 0.1;

/** Quiet rounds a case must keep for its disturbed ones to be set aside; with fewer, none is. */
export const MIN_QUIET_ROUNDS = 4;

/**
 * The case's quiet anchor speed and the rounds (0-based, ascending) to set aside as disturbed, from the
 * anchor's mean per round. Pure.
 */
export function disturbedRounds(anchorMeans: readonly number[], tolerance = DISTURBANCE_TOLERANCE): { quietAnchorMs: number; excluded: number[] } {
  const sorted = [...anchorMeans].sort((a, b) => a - b);
  const quietAnchorMs = sorted[Math.floor(0.1 * (sorted.length - 1))] ?? 0;
  const excluded = anchorMeans.flatMap((m, r) => (m > quietAnchorMs * (1 + tolerance) ? [r] : []));
  return { quietAnchorMs, excluded: anchorMeans.length - excluded.length >= MIN_QUIET_ROUNDS ? excluded : [] };
}

/**
 * Two measurements of a case whose quiet anchor speeds differ by more than this fraction were taken in
 * different states of the machine (on the VM: speed levels 1.5–3× apart that last seconds to minutes),
 * where ratios between workloads differ too; the gate does not compare them.
 */
export const MACHINE_STATE_TOLERANCE = 0.15;
