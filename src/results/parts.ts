/**
 * A matrix measured in parts: when one machine cannot measure the whole matrix in one go (the GPU
 * machine's calls are limited to minutes), it is measured as several complete runs of disjoint
 * selections, and those are combined here into the one run they are parts of — which reports,
 * metrics, baselines and the gate then treat like a run measured whole. Pure: runs in, a run out.
 *
 * Parts must be of one machine, one profile, one results schema and one install (the same versions of
 * every runtime), measure each model as the same fixture, and never measure a case twice. Paired runs
 * (`pnpm bench --compare`) are judged with their other side and are never parts.
 */
import type { CaseResult, ComparisonGroup, RunPart, RunResult } from './schema.ts';

/** Runs that cannot be combined as parts of one matrix; the message names the two files and the conflict. */
export class PartsError extends Error {
  override readonly name = 'PartsError';
  /** Bad input, like a merge of files that do not fit together. */
  readonly exitCode = 2;
  constructor(
    message: string,
    /** The files concerned. */
    readonly files: readonly string[],
  ) {
    super(message);
  }
}

export interface RunFile {
  /** Where the run was read from (named in messages and recorded in `parts`). */
  readonly file: string;
  readonly run: RunResult;
}

export interface CombineOptions {
  /** The command that combined the parts, recorded as the combined run's command line (default: none). */
  readonly commandLine?: readonly string[];
}

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The part a run is, or the parts it was itself combined from. */
function partsOf({ file, run }: RunFile): RunPart[] {
  if (run.parts !== undefined) return run.parts.map((p) => ({ ...p, filters: { ...p.filters }, commandLine: [...p.commandLine] }));
  return [
    {
      file,
      commandLine: [...run.commandLine],
      filters: { ...run.filters },
      startedAt: run.startedAt,
      finishedAt: run.finishedAt,
      complete: run.complete,
      cases: run.cases.length,
    },
  ];
}

/** `a.json and b.json` */
const both = (a: RunFile, b: RunFile): string => `${a.file} and ${b.file}`;

/**
 * Checks that two records of versions (runtime package → version) agree wherever both name a package
 * (a part that did not use a runtime does not record it); returns the first conflict, or null.
 */
function versionConflict(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): string | null {
  for (const name of Object.keys(a).sort(byText)) {
    const other = b[name];
    if (other !== undefined && other !== a[name]) return `${name} ${a[name]} and ${other}`;
  }
  return null;
}

/** Same suite, model and depth: the same fixture, whatever compiler measured it. */
const fixtureId = (c: CaseResult): string => `${c.suite}/${c.model.id}${c.depth === null ? '' : `/d=${c.depth}`}`;

/** Throws the first reason why `runs` cannot be parts of one matrix (checked in the order given). */
function checkParts(runs: readonly RunFile[]): void {
  for (const r of runs) {
    if (r.run.comparison !== undefined) {
      throw new PartsError(
        `${r.file} is the ${r.run.comparison.side} side of a paired run (pnpm bench --compare): a paired run is judged with its other side, never combined with other runs as a part of a matrix`,
        [r.file],
      );
    }
  }
  const first = runs[0] as RunFile;
  for (const other of runs.slice(1)) {
    const pair = both(first, other);
    const a = first.run;
    const b = other.run;
    if (a.tool !== b.tool || a.schemaVersion !== b.schemaVersion) {
      throw new PartsError(`${pair} were written as ${a.tool} results schema ${a.schemaVersion} and ${b.tool} results schema ${b.schemaVersion}: parts of one matrix are written by one version of the suite`, [first.file, other.file]);
    }
    if (a.hardware.id !== b.hardware.id) {
      throw new PartsError(`${pair} are from hardware ${a.hardware.id} and ${b.hardware.id}: parts of one matrix are of one machine (merge machines with one run, or one set of parts, each)`, [first.file, other.file]);
    }
    if (a.profile !== b.profile) {
      throw new PartsError(`${pair} used profiles "${a.profile}" and "${b.profile}": parts of one matrix are measured with one profile`, [first.file, other.file]);
    }
    if (a.hardware.node !== b.hardware.node) {
      throw new PartsError(`${pair} ran on Node ${a.hardware.node} and ${b.hardware.node}: parts of one matrix are measured with one install`, [first.file, other.file]);
    }
  }
  // Runtimes, compilers' versions, fixtures, cases and groups: against the first part that had them.
  const runtimes = new Map<string, { version: string; from: RunFile }>();
  const compilers = new Map<string, { versions: Readonly<Record<string, string>>; from: RunFile }>();
  const fixtures = new Map<string, { hash: string; from: RunFile }>();
  const keys = new Map<string, RunFile>();
  const groups = new Map<string, { models: readonly string[]; from: RunFile }>();
  for (const r of runs) {
    for (const [name, version] of Object.entries(r.run.hardware.runtimes).sort(([x], [y]) => byText(x, y))) {
      const seen = runtimes.get(name);
      if (seen === undefined) runtimes.set(name, { version, from: r });
      else if (seen.version !== version) {
        throw new PartsError(`${both(seen.from, r)} ran ${name} ${seen.version} and ${version}: parts of one matrix are measured with one install`, [seen.from.file, r.file]);
      }
    }
    for (const c of r.run.cases) {
      const compiler = compilers.get(c.compiler.id);
      if (compiler === undefined) compilers.set(c.compiler.id, { versions: c.compiler.versions, from: r });
      else if (compiler.from !== r) {
        const conflict = versionConflict(compiler.versions, c.compiler.versions);
        if (conflict !== null) {
          throw new PartsError(`${both(compiler.from, r)} measured ${c.compiler.id} with different versions (${conflict}): parts of one matrix are measured with one install`, [compiler.from.file, r.file]);
        }
      }
      const fixture = fixtures.get(fixtureId(c));
      if (fixture === undefined) fixtures.set(fixtureId(c), { hash: c.model.hash, from: r });
      else if (fixture.hash !== c.model.hash) {
        throw new PartsError(
          `${fixtureId(c)} has different fixture hashes in ${fixture.from.file} (${fixture.hash.slice(0, 12)}…) and ${r.file} (${c.model.hash.slice(0, 12)}…): parts of one matrix measure the same models; measure them with one version of the suite`,
          [fixture.from.file, r.file],
        );
      }
      const seen = keys.get(c.key);
      if (seen !== undefined) {
        throw new PartsError(
          seen === r ? `${r.file} holds ${c.key} twice` : `${both(seen, r)} both measured ${c.key}: parts must not overlap`,
          seen === r ? [r.file] : [seen.file, r.file],
        );
      }
      keys.set(c.key, r);
    }
    for (const g of r.run.comparisonGroups ?? []) {
      const seen = groups.get(g.name);
      if (seen === undefined) groups.set(g.name, { models: g.models, from: r });
      else if (JSON.stringify([...seen.models].sort(byText)) !== JSON.stringify([...g.models].sort(byText))) {
        throw new PartsError(
          `${both(seen.from, r)} define the comparison group ${g.name} differently (${seen.models.join(', ')} and ${g.models.join(', ')}): parts of one matrix are measured from one set of spec files`,
          [seen.from.file, r.file],
        );
      }
    }
  }
}

/** Comma-separated values of a filter, deduplicated and sorted (as numbers when they all are). */
function unionValues(values: readonly string[]): string {
  const all = [...new Set(values.flatMap((v) => v.split(',').map((x) => x.trim())).filter((x) => x !== ''))];
  const numeric = all.every((x) => /^\d+$/.test(x));
  return all.sort(numeric ? (a, b) => Number(a) - Number(b) : byText).join(',');
}

/**
 * One filter set covering every part: per filter key, the union of the parts' values (sorted,
 * deduplicated); a key some part lacks is dropped (that part was not narrowed by it). `name` (Vitest's
 * test-name pattern, one regular expression) becomes the alternation of the parts' patterns; a
 * `hardware` of `all` narrows nothing. Per key the union is exact, but across keys it may cover more
 * than ran (model A with compiler X and model B with Y give A,B × X,Y): the gate therefore judges a
 * run of parts by each part's own filters (`isOutsideRun` in src/gate/filters.ts).
 */
export function unionFilters(sets: readonly Readonly<Record<string, string>>[]): Record<string, string> {
  if (sets.length === 0) return {};
  const out: Record<string, string> = {};
  const keys = Object.keys(sets[0] as Record<string, string>).filter((k) => sets.every((s) => s[k] !== undefined)).sort(byText);
  for (const key of keys) {
    const values = sets.map((s) => s[key] as string);
    if (key === 'name') {
      const patterns = [...new Set(values)].sort(byText);
      out[key] = patterns.length === 1 ? (patterns[0] as string) : patterns.map((p) => `(?:${p})`).join('|');
    } else if (key === 'hardware' && values.some((v) => v.trim() === 'all')) {
      continue;
    } else {
      out[key] = unionValues(values);
    }
  }
  return out;
}

/** Groups of the parts by name (parts written before groups existed say nothing: the others decide). */
function unionGroups(runs: readonly RunFile[]): ComparisonGroup[] | undefined {
  if (runs.every((r) => r.run.comparisonGroups === undefined)) return undefined;
  const groups = new Map<string, ComparisonGroup>();
  for (const r of runs) for (const g of r.run.comparisonGroups ?? []) if (!groups.has(g.name)) groups.set(g.name, { name: g.name, models: [...g.models] });
  return [...groups.values()].sort((a, b) => byText(a.name, b.name));
}

/**
 * The one run that `runs` — complete runs of disjoint selections on one machine — are parts of. Its
 * cases are the union (ordered by key), its filters the union of theirs (`unionFilters`), its start
 * the earliest and its end the latest; it is complete when every part is, and carries the
 * interruption of the first interrupted part; its hardware is the first part's, with the runtimes of
 * all; `parts` records each part (a run that was itself combined contributes its parts). Throws a
 * PartsError naming the two files and the first conflict: another machine, profile, schema version or
 * install, another fixture for the same model, a case measured in both, or a paired run.
 */
export function combineParts(given: readonly RunFile[], options: CombineOptions = {}): RunResult {
  if (given.length === 0) throw new PartsError('no runs to combine', []);
  checkParts(given);
  // Stable: by start, then in the order given.
  const runs = given.map((r, i) => ({ r, i })).sort((x, y) => byText(x.r.run.startedAt, y.r.run.startedAt) || x.i - y.i).map(({ r }) => r);
  const first = runs[0] as RunFile;
  const parts = runs.flatMap(partsOf).sort((a, b) => byText(a.startedAt, b.startedAt));
  const runtimes = Object.fromEntries(
    [...new Map(runs.flatMap((r) => Object.entries(r.run.hardware.runtimes))).entries()].sort(([a], [b]) => byText(a, b)),
  );
  const firstCases = runs.flatMap((r) => r.run.confirmation?.firstCases ?? []);
  const groups = unionGroups(runs);
  const interrupted = runs.find((r) => r.run.interruptedBy !== null);
  return {
    schemaVersion: first.run.schemaVersion,
    tool: first.run.tool,
    startedAt: runs.map((r) => r.run.startedAt).sort(byText)[0] as string,
    finishedAt: runs.map((r) => r.run.finishedAt).sort(byText).at(-1) as string,
    complete: runs.every((r) => r.run.complete),
    interruptedBy: interrupted?.run.interruptedBy ?? null,
    commandLine: [...(options.commandLine ?? [])],
    profile: first.run.profile,
    filters: unionFilters(parts.map((p) => p.filters)),
    hardware: { ...first.run.hardware, runtimes },
    cases: runs.flatMap((r) => r.run.cases).sort((a, b) => byText(a.key, b.key)),
    ...(groups === undefined ? {} : { comparisonGroups: groups }),
    confirmation: firstCases.length === 0 ? null : { firstCases: [...firstCases].sort((a, b) => byText(a.key, b.key)) },
    parts,
  };
}

/** The case keys two runs share, in key order. */
function shared(a: RunResult, b: RunResult): string[] {
  const keys = new Set(a.cases.map((c) => c.key));
  return b.cases.map((c) => c.key).filter((k) => keys.has(k)).sort(byText);
}

/** What several runs of one machine given to `pnpm bench:baseline` are. */
export type BaselineRuns =
  /** Runs of the same selection (the same cases): their rounds are pooled. */
  | { readonly kind: 'pooled'; readonly runs: readonly RunResult[] }
  /** Parts of one matrix (pairwise disjoint cases), combined into one run. */
  | { readonly kind: 'parts'; readonly run: RunResult };

/**
 * Runs of the same selection are pooled; runs of pairwise disjoint selections are parts of one matrix
 * and combined (`combineParts`). Anything between — some runs of the same selection beside others, or
 * runs that overlap in some cases only — is a PartsError naming two of the files.
 */
export function poolOrCombine(runs: readonly RunFile[], options: CombineOptions = {}): BaselineRuns {
  const keysOf = (r: RunFile) => JSON.stringify(r.run.cases.map((c) => c.key).sort(byText));
  const first = runs[0];
  if (first === undefined || runs.every((r) => keysOf(r) === keysOf(first))) return { kind: 'pooled', runs: runs.map((r) => r.run) };
  for (const [i, a] of runs.entries()) {
    for (const b of runs.slice(i + 1)) {
      const common = shared(a.run, b.run);
      if (common.length === 0) continue;
      const advice = 'give runs of one selection (their rounds are pooled) or disjoint parts of one matrix (combined into one run), not a mix';
      if (keysOf(a) === keysOf(b)) {
        const other = runs.find((r) => keysOf(r) !== keysOf(a)) as RunFile;
        throw new PartsError(`${both(a, b)} are runs of the same selection, but ${other.file} is not: ${advice}`, [a.file, b.file, other.file]);
      }
      throw new PartsError(
        `${both(a, b)} overlap in ${common.length} of their cases (first: ${common[0]}) without being runs of the same selection: ${advice}`,
        [a.file, b.file],
      );
    }
  }
  return { kind: 'parts', run: combineParts(runs, options) };
}

/**
 * The runs of several machines to merge, one per machine in the order the files were given: a
 * machine's several files combined as parts of one matrix (`combineParts`; a PartsError when they
 * are not). `parts` says which were combined; `file` names their files joined by ` + `.
 */
export function combinePerMachine(files: readonly RunFile[], options: CombineOptions = {}): { file: string; run: RunResult; parts: boolean }[] {
  const byHardware = new Map<string, RunFile[]>();
  for (const f of files) (byHardware.get(f.run.hardware.id) ?? byHardware.set(f.run.hardware.id, []).get(f.run.hardware.id)!).push(f);
  return [...byHardware.values()].map((group) =>
    group.length === 1
      ? { ...(group[0] as RunFile), parts: false }
      : { file: group.map((g) => g.file).join(' + '), run: combineParts(group, options), parts: true },
  );
}
