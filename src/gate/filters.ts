/**
 * Whether a case lies outside the filters a run recorded, so its absence from the run is expected
 * (filtered) rather than a problem (missing). Mirrors the harness's selection (src/selection.ts):
 * comma-separated values per key; `depth` narrows block sweeps only; `hardware` is `cpu`, `gpu` or
 * `all`. Conservative: a filter key this function does not know, or a value it cannot evaluate, counts
 * as "does not match", so the case is treated as filtered and never fails the gate as missing.
 */
import { placeOf, type Suite } from '../results/schema.ts';

export interface FilterSubject {
  readonly suite: Suite;
  readonly modelId: string;
  readonly compilerId: string;
  readonly batch: number;
  readonly depth: number | null;
  /** Swept dimensions besides batch (`seq=128`), when the key has any. */
  readonly dims?: Readonly<Record<string, number>>;
  /** Unknown hardware cannot match a `hardware` filter. */
  readonly hardware?: 'cpu' | 'gpu';
}

function values(text: string): string[] {
  return text
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

function matchesName(name: string, text: string): boolean {
  return values(text).some((pattern) =>
    pattern.includes('*')
      ? new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`).test(name)
      : pattern === name,
  );
}

function matchesNumber(n: number, text: string): boolean {
  return values(text).some((v) => /^\d+$/.test(v) && Number(v) === n);
}

const RULES: Readonly<Record<string, (s: FilterSubject, value: string) => boolean>> = {
  compiler: (s, v) => matchesName(s.compilerId, v),
  model: (s, v) => matchesName(s.modelId, v),
  block: (s, v) => s.suite === 'blocks' && matchesName(s.modelId, v),
  archetype: (s, v) => s.suite === 'archetypes' && matchesName(s.modelId, v),
  suite: (s, v) => matchesName(s.suite, v),
  batch: (s, v) => matchesNumber(s.batch, v),
  depth: (s, v) => s.depth === null || matchesNumber(s.depth, v),
  hardware: (s, v) => v.trim() === 'all' || (s.hardware !== undefined && matchesName(s.hardware, v)),
  // Vitest's test-name filter (-t), matched as Vitest matches it: against `<describe title> <case key>`.
  name: (s, v) => matchesPattern(`${s.suite}/${s.modelId}/${s.compilerId} ${keyOf(s)}`, v),
  // File filters (`pnpm bench -- archetypes`), matched against the spec file's conventional path.
  files: (s, v) => values(v).some((part) => `benches/${s.suite}/${s.modelId}/${s.compilerId}.bench.ts`.includes(part)),
};

function matchesPattern(text: string, pattern: string): boolean {
  try {
    return new RegExp(pattern).test(text);
  } catch {
    return false;
  }
}

const keyOf = (s: FilterSubject): string => `${s.suite}/${s.modelId}/${s.compilerId}/${placeOf(s.batch, s.depth, s.dims)}`;

/**
 * True when `filters` is non-empty and the case (or case key) does not match every one of them. A key
 * carries no hardware kind, so with a `hardware` filter (other than `all`) a bare key counts as
 * filtered; an unparseable key too.
 */
export function isFilteredOut(subject: FilterSubject | string, filters: Readonly<Record<string, string>>): boolean {
  const entries = Object.entries(filters);
  if (entries.length === 0) return false;
  const s = typeof subject === 'string' ? parseCaseKey(subject) : subject;
  if (s === null) return true;
  for (const [key, value] of entries) {
    const rule = RULES[key];
    if (rule === undefined || !rule(s, value)) return true;
  }
  return false;
}

/** What a run was selected by: each part's own filters for a run combined from parts, else the run's. */
export function selectionsOf(run: { readonly filters: Readonly<Record<string, string>>; readonly parts?: readonly { readonly filters: Readonly<Record<string, string>> }[] | undefined }): readonly Readonly<Record<string, string>>[] {
  return run.parts === undefined || run.parts.length === 0 ? [run.filters] : run.parts.map((p) => p.filters);
}

/**
 * True when every selection the run was made by leaves the case out. A run of parts is judged by each
 * part's own filters: their per-key union (`run.filters`) may cover more than ran — model A with
 * compiler X in one part and model B with Y in another is not A,B × X,Y.
 */
export function isOutsideRun(subject: FilterSubject | string, run: Parameters<typeof selectionsOf>[0]): boolean {
  return selectionsOf(run).every((filters) => isFilteredOut(subject, filters));
}

/** Parts of a key `suite/model/compiler/b=8[/d=4][/seq=128…]`, or null if it does not have that shape. */
export function parseCaseKey(key: string): FilterSubject | null {
  const m = /^(blocks|archetypes|models)\/(.+)\/([^/]+)\/b=(\d+)(?:\/d=(\d+))?((?:\/[a-z][a-z0-9_]*=\d+)*)$/.exec(key);
  if (m === null) return null;
  const dims: Record<string, number> = {};
  for (const part of (m[6] ?? '').split('/').filter((p) => p !== '')) {
    const [name, value] = part.split('=') as [string, string];
    dims[name] = Number(value);
  }
  return {
    suite: m[1] as Suite,
    modelId: m[2] as string,
    compilerId: m[3] as string,
    batch: Number(m[4]),
    depth: m[5] === undefined ? null : Number(m[5]),
    ...(Object.keys(dims).length > 0 ? { dims } : {}),
  };
}

/** `isFilteredOut` for a bare key (kept for callers that only have keys). */
export function isKeyFilteredOut(key: string, filters: Readonly<Record<string, string>>): boolean {
  return isFilteredOut(key, filters);
}
