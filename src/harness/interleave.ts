/**
 * Interleaved measurement of several arms (drift control). When a machine's speed drifts during a
 * run (a noisy neighbour, frequency scaling, thermal limits), measuring A fully and then B turns the
 * drift into a false difference. Here every round runs a short block of each arm, in an order that
 * rotates from round to round, so all arms see the same drift and their per-round ratios do not.
 *
 * The loop is driven by a measuring engine (tinybench or mitata): the engine calls one step of the
 * schedule at a time and asks the rule below when to stop. Each step times its own call, as the
 * engines' own functions do, and only whole rounds are kept.
 */
import type { MeasureOptions, MeasuringEngine, StopReason, TimedFunction } from './engine.ts';

/**
 * An arm that times its own calls: a worker process timing each call on its device clock
 * (docs/worker-protocol.md). A block of k calls is one request, and the times are the worker's.
 */
export interface SelfTimedArm {
  readonly timedCalls: (calls: number) => Promise<readonly number[]>;
}

/** One arm of an interleaved measurement: a function the harness times, or an arm that times itself. */
export type Arm = TimedFunction | SelfTimedArm;

const selfTimed = (arm: Arm): arm is SelfTimedArm => typeof arm !== 'function';

/** One call of `arm`, and its time in ms: the harness's clock, or the arm's own. */
async function timeOne(arm: Arm): Promise<number> {
  if (selfTimed(arm)) return (await arm.timedCalls(1))[0] as number;
  const t0 = performance.now();
  await arm();
  return performance.now() - t0;
}
import { mulberry32 } from '../stats/prng.ts';
import { stopDecision } from './stopping.ts';
import { roundMedians } from '../results/ratios.ts';

/**
 * The order of the arms in round `round`: a rotation by `round`, reversed on every other cycle
 * through the rotations. Each arm takes each position equally often and follows each other arm as
 * often as it precedes it (for two arms: A B, B A, B A, A B, …), so a penalty for going first or for
 * following a particular arm falls on all alike.
 */
export function roundOrder(round: number, arms: number): number[] {
  const shift = round % arms;
  const order = Array.from({ length: arms }, (_, i) => (i + shift) % arms);
  return Math.floor(round / arms) % 2 === 0 ? order : order.reverse();
}

/**
 * Calls of one arm per round: enough to fill `blockMs` at the arm's estimated latency, at least 1,
 * at most `maxCalls` (256 by default: samples are kept per call).
 */
export function callsForBlock(latencyMs: number, blockMs: number, maxCalls = 256): number {
  if (!(latencyMs > 0)) return maxCalls;
  return Math.min(maxCalls, Math.max(1, Math.round(blockMs / latencyMs)));
}

export interface InterleaveOptions extends MeasureOptions {
  /**
   * Target length of one arm's block in a round (ms): long enough that an arm's caches are warm for
   * most of its calls, short enough that drift cannot build up between the arms of a round.
   * @default 5
   */
  readonly blockMs?: number;
  /** Most calls of one arm in a round. @default 256 */
  readonly maxCallsPerBlock?: number;
  /** Calls per round of each arm; by default estimated from the warm-up (see {@link callsForBlock}). */
  readonly callsPerRound?: readonly number[];
  /**
   * One block size for every arm, from the geometric mean of their latencies (paired runs): with
   * blocks of a call or two, a side with one call more than the other would be timed further from
   * the switch, whose cost the timed calls then share unequally.
   */
  readonly sharedCallsPerRound?: boolean;
  /** Whether each arm's block starts with an untimed call; by default for arms whose call is shorter than `blockMs`. */
  readonly untimedFirst?: readonly boolean[];
  /**
   * The arm whose ratio to arm 0 decides adaptive stopping (the partner the case is judged against).
   * @default 1
   */
  readonly judgedArm?: number;
  /**
   * What a round's ratio for adaptive stopping is taken of: each arm's mean call, or its median call
   * (paired runs, whose gate judges the rounds' medians). @default 'mean'
   */
  readonly roundStatistic?: 'mean' | 'median';
  /** The order of the arms in each round; by default {@link roundOrder}. */
  readonly order?: (round: number) => readonly number[];
  /** Rounds a session needs before it may stop. @default 8 */
  readonly minRounds?: number;
  /**
   * Warm-up calls of each arm at the least. Two by default, since the first pays for first use; a
   * worker that has already run the model once (its compile, its output check) needs one.
   * @default 2
   */
  readonly warmupMinCalls?: number;
}

/**
 * The order of two arms, A and B, in a paired comparison (Chromium's Pinpoint, duet benchmarking):
 * rounds come in pairs holding AB once and BA once, and a seeded coin decides which comes first in
 * each pair. Balanced — each arm goes first equally often in every two rounds, so a penalty for going
 * first or second falls on both alike — and not periodic, so no rhythm of the machine can line up
 * with it. The same seed gives the same order.
 */
export function pairedOrder(seed: number): (round: number) => readonly number[] {
  const rng = mulberry32(seed);
  const firsts: boolean[] = [];
  return (round) => {
    const pair = Math.floor(round / 2);
    while (firsts.length <= pair) firsts.push(rng.next() < 0.5);
    const aFirstInPair = firsts[pair] as boolean;
    const aFirst = round % 2 === 0 ? aFirstInPair : !aFirstInPair;
    return aFirst ? [0, 1] : [1, 0];
  };
}

export interface InterleavedMeasurement {
  /** Per arm, every timed call in the order taken: `rounds × callsPerRound[arm]` samples. */
  readonly samples: readonly (readonly number[])[];
  readonly callsPerRound: readonly number[];
  readonly untimedFirst: readonly boolean[];
  readonly rounds: number;
  readonly stoppedBy: StopReason;
  /** Warm-up calls over all arms. */
  readonly warmupIterations: number;
  /** Wall time of the sampling phase, ms. */
  readonly timeMs: number;
}

/** Rounds a session needs before it may stop: fewer leave the ratio's median with an interval too wide to judge by. */
const MIN_ROUNDS = 8;
/** At the time cap, a session of slow calls stops with at least this many rounds (and its minimum samples). */
const MIN_ROUNDS_AT_CAP = 2;
/** The adaptive rule sorts the ratios; asking it every round would cost more than it saves. */
const CHECK_EVERY_ROUNDS = 4;

/**
 * Warms each arm up on its own and estimates its latency from the warm-up calls after the first: their
 * minimum, since a disturbed machine only ever makes calls slower, and the estimate sizes the blocks.
 */
async function warmUp(arms: readonly Arm[], options: MeasureOptions & { readonly warmupMinCalls?: number }): Promise<{ latencies: number[]; iterations: number }> {
  const latencies: number[] = [];
  let iterations = 0;
  const perArmMs = options.warmupTimeMs / arms.length;
  for (const [index, arm] of arms.entries()) {
    const times: number[] = [];
    const start = performance.now();
    // At least 2 calls (the first pays for first use), the warm-up iterations unless they would take
    // far longer than the warm-up time (a 1 s inference), and the arm's share of the warm-up time.
    const more = () => {
      const elapsed = performance.now() - start;
      return times.length < (options.warmupMinCalls ?? 2) || elapsed < perArmMs || (times.length < options.warmupIterations && elapsed < 10 * perArmMs);
    };
    while (more()) {
      try {
        times.push(await timeOne(arm));
      } catch (error) {
        throw new ArmError(index, error);
      }
    }
    iterations += times.length;
    let fastest = times.length === 1 ? (times[0] as number) : Infinity;
    for (let i = 1; i < times.length; i++) fastest = Math.min(fastest, times[i] as number);
    latencies.push(fastest);
  }
  return { latencies, iterations };
}

/** A call of one arm failed; `arm` says which, so the caller can name the culprit. */
export class ArmError extends Error {
  constructor(
    readonly arm: number,
    override readonly cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message || cause.name : String(cause));
  }
}

interface Step {
  readonly arm: number;
  /** The first call of a block of short calls runs untimed: it pays for the switch from the other arm. */
  readonly timed: boolean;
  /** Calls in this step: 1, or a self-timed arm's whole block in one request. */
  readonly calls: number;
}

function roundSteps(round: number, calls: readonly number[], untimedFirst: readonly boolean[], arms: readonly Arm[], order: (round: number) => readonly number[]): Step[] {
  const steps: Step[] = [];
  for (const arm of order(round)) {
    if (untimedFirst[arm] === true) steps.push({ arm, timed: false, calls: 1 });
    if (selfTimed(arms[arm] as Arm)) steps.push({ arm, timed: true, calls: calls[arm] as number });
    else for (let i = 0; i < (calls[arm] as number); i++) steps.push({ arm, timed: true, calls: 1 });
  }
  return steps;
}

/**
 * Measures `arms` (arm 0 is the one the case is about) in rotating rounds until the engine stops on
 * the rule: at least `minSamples` of arm 0, `minTimeMs` and a few rounds; then, with adaptive sampling,
 * until the 95% CI of the median ratio arm 0 / `judgedArm` is within ±`targetRelativeCi`, or
 * `maxTimeMs`. Partial rounds at the end are dropped.
 */
export async function measureInterleaved(
  arms: readonly Arm[],
  engine: MeasuringEngine,
  options: InterleaveOptions,
): Promise<InterleavedMeasurement> {
  // One arm is a measurement without a partner (a case only one side of a comparison has).
  if (arms.length < 1) throw new Error('interleaved measurement needs at least one arm');
  const warm = await warmUp(arms, options);
  const blockMs = options.blockMs ?? 5;
  const shared = Math.exp(warm.latencies.reduce((sum, l) => sum + Math.log(Math.max(l, Number.MIN_VALUE)), 0) / warm.latencies.length);
  const latencies = options.sharedCallsPerRound === true ? warm.latencies.map(() => shared) : warm.latencies;
  const calls = options.callsPerRound ?? latencies.map((l) => callsForBlock(l, blockMs, options.maxCallsPerBlock));
  if (calls.length !== arms.length) throw new Error(`callsPerRound has ${calls.length} entries for ${arms.length} arms`);
  // A call shorter than a block runs from caches the other arms just emptied: on the 2-core VM a 1 ms
  // model's first call after a switch took 20% longer. Such an arm's block starts with an untimed call.
  const untimedFirst = options.untimedFirst ?? latencies.map((l) => l < blockMs);
  const judged = options.judgedArm ?? 1;
  const roundValue = (arm: number): number => {
    const times = pending[arm] as number[];
    if (options.roundStatistic === 'median') return times.length === 0 ? 0 : (roundMedians(times, times.length)[0] as number);
    return times.reduce((sum, x) => sum + x, 0) / (calls[arm] as number);
  };

  const kept: number[][] = arms.map(() => []);
  const pending: number[][] = arms.map(() => []);
  /** Per-round ratio arm 0 / judged arm, kept as rounds complete. */
  const ratios: number[] = [];
  let rounds = 0;
  const order = options.order ?? ((round: number) => roundOrder(round, arms.length));
  const minRounds = options.minRounds ?? MIN_ROUNDS;
  let steps = roundSteps(0, calls, untimedFirst, arms, order);
  let position = 0;
  const step = async (): Promise<void> => {
    const { arm, timed, calls: stepCalls } = steps[position] as Step;
    const fn = arms[arm] as Arm;
    try {
      if (selfTimed(fn)) {
        const times = await fn.timedCalls(stepCalls);
        if (times.length !== stepCalls) throw new Error(`asked for ${stepCalls} timed calls, got ${times.length} times`);
        if (timed) (pending[arm] as number[]).push(...times);
      } else if (timed) {
        const t0 = performance.now();
        await fn();
        (pending[arm] as number[]).push(performance.now() - t0);
      } else {
        await fn();
      }
    } catch (error) {
      throw new ArmError(arm, error);
    }
    position += 1;
    if (position === steps.length) {
      const partner = judged < arms.length ? roundValue(judged) : 0;
      if (partner > 0) ratios.push(roundValue(0) / partner);
      for (let a = 0; a < arms.length; a++) {
        (kept[a] as number[]).push(...(pending[a] as number[]));
        pending[a] = [];
      }
      rounds += 1;
      steps = roundSteps(rounds, calls, untimedFirst, arms, order);
      position = 0;
    }
  };

  let checkedAt = -1;
  const rule = (elapsedMs: number): StopReason | null => {
    if (rounds === 0) return null;
    const selfSamples = (kept[0] as number[]).length;
    // The sample cap, for functions so fast that a round holds hundreds of calls, waits for the minimum rounds.
    if (selfSamples >= options.maxSamples && rounds >= minRounds) return 'iterations';
    if (elapsedMs >= options.maxTimeMs && selfSamples >= options.minSamples && rounds >= MIN_ROUNDS_AT_CAP) return 'time-cap';
    const enough = selfSamples >= options.minSamples && rounds >= minRounds;
    if (!enough || elapsedMs < options.minTimeMs) return null;
    if (options.targetRelativeCi === null) return 'min-time';
    if (rounds === checkedAt || rounds % CHECK_EVERY_ROUNDS !== 0) return null;
    checkedAt = rounds;
    return stopDecision(ratios, elapsedMs, { ...options, minSamples: minRounds, minTimeMs: 0 }) === 'ci-target' ? 'ci-target' : null;
  };

  // The engine's own warm-up is off: the arms were warmed up one by one above.
  const measurement = await engine.measure(step, { ...options, warmupTimeMs: 0, warmupIterations: 0 }, rule);
  return {
    samples: kept,
    callsPerRound: calls,
    untimedFirst,
    rounds,
    stoppedBy: measurement.stoppedBy,
    warmupIterations: warm.iterations,
    timeMs: measurement.timeMs,
  };
}
