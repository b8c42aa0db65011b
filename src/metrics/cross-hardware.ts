/**
 * Comparisons across machines: the same model and batch on every (hardware, compiler) pair, and
 * cross-hardware reversals — model A of a comparison group (src/metrics/groups.ts) significantly faster than B on one machine (under some
 * compiler) and significantly slower on another. Pure: runs and their metrics in, plain data out.
 */
import { dimsSuffix, type RunResult } from '../results/schema.ts';
import type { ArchetypeOrdering, MetricsSummary } from './types.ts';

export interface MachineMetrics {
  readonly run: RunResult;
  readonly metrics: MetricsSummary;
}

/** Merging refuses runs that cannot be compared; the message names the files or cases. */
export class MergeError extends Error {
  override readonly name = 'MergeError';
  readonly exitCode = 2;
}

/** Same schema everywhere is enforced by the loader; here: one fixture hash per model id and depth. */
export function checkMergeable(runs: readonly { file: string; run: RunResult }[]): void {
  const hashes = new Map<string, { hash: string; file: string }>();
  for (const { file, run } of runs) {
    for (const c of run.cases) {
      if (c.model.kind === 'user') continue;
      const id = `${c.suite}/${c.model.id}${c.depth === null ? '' : `/d=${c.depth}`}`;
      const seen = hashes.get(id);
      if (seen === undefined) hashes.set(id, { hash: c.model.hash, file });
      else if (seen.hash !== c.model.hash) {
        throw new MergeError(
          `${id} has different fixture hashes in ${seen.file} (${seen.hash.slice(0, 12)}…) and ${file} (${c.model.hash.slice(0, 12)}…): ` +
            'the machines measured different models; run both with the same version of the suite',
        );
      }
    }
  }
  const ids = new Map<string, string>();
  for (const { file, run } of runs) {
    const other = ids.get(run.hardware.id);
    if (other !== undefined && other !== file) {
      throw new MergeError(`${file} and ${other} are both from hardware ${run.hardware.id}: merge one run per machine`);
    }
    ids.set(run.hardware.id, file);
  }
}

export interface CrossHardwareRow {
  /** `suite/model[/d=N]/b=B`. */
  readonly point: string;
  /** Median latency, ms, per `hardwareId · compilerId`; absent where not measured there. */
  readonly latencies: Readonly<Record<string, number>>;
}

/** One row per (model, depth, batch) measured on more than one machine; columns are hardware · compiler. */
export function crossHardwareTable(machines: readonly MachineMetrics[]): { columns: string[]; rows: CrossHardwareRow[] } {
  const rows = new Map<string, Record<string, number>>();
  const hardwareOf = new Map<string, Set<string>>();
  const columns = new Set<string>();
  for (const { run } of machines) {
    for (const c of run.cases) {
      if (c.state !== 'completed') continue;
      const point = `${c.suite}/${c.model.id}${c.depth === null ? '' : `/d=${c.depth}`}/b=${c.batch}${dimsSuffix(c.dims)}`;
      const column = `${run.hardware.id} · ${c.compiler.id}`;
      columns.add(column);
      (rows.get(point) ?? rows.set(point, {}).get(point)!)[column] = c.latency.median;
      (hardwareOf.get(point) ?? hardwareOf.set(point, new Set()).get(point)!).add(run.hardware.id);
    }
  }
  const shared = [...rows.entries()].filter(([point]) => (hardwareOf.get(point)?.size ?? 0) > 1);
  return {
    columns: [...columns].sort(),
    rows: shared.sort(([a], [b]) => (a < b ? -1 : 1)).map(([point, latencies]) => ({ point, latencies })),
  };
}

export interface CrossHardwareReversal {
  /** The comparison group of the pair. */
  readonly group: string;
  readonly batch: number;
  readonly dims?: Readonly<Record<string, number>>;
  readonly a: string;
  readonly b: string;
  /** Where `faster` wins: hardware and compiler, with the latency ratio a/b. */
  readonly first: { readonly hardwareId: string; readonly compilerId: string; readonly faster: string; readonly ratio: number };
  readonly second: { readonly hardwareId: string; readonly compilerId: string; readonly faster: string; readonly ratio: number };
  readonly message: string;
}

/**
 * For each archetype pair and batch: every significant ordering on one machine paired with an opposite
 * significant ordering on another. Reported once per (pair, batch, machine pair): the strongest
 * ordering on each side (largest |ln ratio|) stands for the rest.
 */
export function crossHardwareReversals(machines: readonly MachineMetrics[]): CrossHardwareReversal[] {
  const groups = new Map<string, { hardwareId: string; ordering: ArchetypeOrdering }[]>();
  for (const { run, metrics } of machines) {
    for (const ordering of metrics.orderings) {
      if (ordering.faster === null || ordering.ratio.value === null) continue;
      const id = `${ordering.group}/${ordering.a}~${ordering.b}/b=${ordering.batch}${dimsSuffix(ordering.dims)}`;
      (groups.get(id) ?? groups.set(id, []).get(id)!).push({ hardwareId: run.hardware.id, ordering });
    }
  }
  const strength = (o: ArchetypeOrdering) => Math.abs(Math.log(o.ratio.value ?? 1));
  const found: CrossHardwareReversal[] = [];
  for (const entries of groups.values()) {
    const hardwareIds = [...new Set(entries.map((e) => e.hardwareId))].sort();
    for (let i = 0; i < hardwareIds.length; i++) {
      for (let j = i + 1; j < hardwareIds.length; j++) {
        const strongest = (hw: string, faster: string) =>
          entries
            .filter((e) => e.hardwareId === hw && e.ordering.faster === faster)
            .sort((x, y) => strength(y.ordering) - strength(x.ordering))[0];
        const sample = entries[0]!.ordering;
        for (const faster of [sample.a, sample.b]) {
          const slower = faster === sample.a ? sample.b : sample.a;
          const left = strongest(hardwareIds[i]!, faster);
          const right = strongest(hardwareIds[j]!, slower);
          if (left === undefined || right === undefined) continue;
          const side = (e: { hardwareId: string; ordering: ArchetypeOrdering }) => ({
            hardwareId: e.hardwareId,
            compilerId: e.ordering.compilerId,
            faster: e.ordering.faster as string,
            ratio: e.ordering.ratio.value as number,
          });
          found.push({
            group: sample.group,
            batch: sample.batch,
            ...(sample.dims === undefined ? {} : { dims: { ...sample.dims } }),
            a: sample.a,
            b: sample.b,
            first: side(left),
            second: side(right),
            message:
              `${sample.group === 'archetypes' ? '' : `${sample.group}: `}at batch ${sample.batch}${dimsSuffix(sample.dims)}, ${faster} beats ${slower} on ${left.hardwareId} (${left.ordering.compilerId}) ` +
              `but ${slower} beats ${faster} on ${right.hardwareId} (${right.ordering.compilerId})`,
          });
        }
      }
    }
  }
  return found.sort((x, y) => x.batch - y.batch || (x.a + x.b < y.a + y.b ? -1 : 1));
}
