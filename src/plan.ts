/**
 * The run plan: every case a run will measure, resolved once by the CLI from the spec files, the
 * selection (flags, variables, `-t`, file filters) and the profile, and handed to the Vitest worker as
 * one file (GCB_PLAN). Spec files register exactly the plan's cases; the gate learns from the plan's
 * filters which baseline cases the selection left out, whatever way they were selected.
 *
 * Spec files are read here without Vitest: in collection mode `benchSpec` only records its spec
 * (see {@link collectSpecs}), and {@link expandSpec} turns a spec into its cases, as the Vitest worker
 * and a Node worker of another checkout do too — one rule for what a spec means.
 */
import { readFile } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { ARCHETYPE_IDS, getFixture } from '../fixtures/index.ts';
import { compilerHardware } from './adapters/registry.ts';
import type { CompilerAdapter, InputValues } from './adapters/types.ts';
import type { MeasureOptions } from './harness/engine.ts';
import { ReferenceSpecSchema } from './metrics/reference.ts';
import { getProfile, PROFILE_NAMES, sweepValues, type ProfileName } from './profiles.ts';
import { writeJsonAtomic } from './results/atomic.ts';
import { caseKey, ComparisonGroupSchema, DIM_NAME_PATTERN, SUITES, type ComparisonGroup, type Suite } from './results/schema.ts';
import { ARCHETYPES_GROUP_NAME } from './metrics/groups.ts';
import { formatZodIssues, parseJsonText } from './results/validation.ts';
import { ENGINE_NAMES, HARDWARE_NAMES, type Selection } from './selection.ts';

/** Element types a user model's inputs may have. */
export const INPUT_DTYPES = ['float32', 'float16', 'int64', 'int32'] as const;
export type InputDtype = (typeof INPUT_DTYPES)[number];

/**
 * One input of a user model. Its shape is of one sample (batch left out); a dimension may be a name
 * from the spec's `dims` (`'seq'`), swept like batch.
 */
export interface UserModelInput {
  readonly name: string;
  /** @default 'float32' (checked against the model's declared type) */
  readonly dtype?: InputDtype;
  /** Shape of one sample; @default the model's declared per-sample shape (fixed dimensions only) */
  readonly shape?: readonly (number | string)[];
  /**
   * What the values are. `normal`: standard normal (float inputs); `integers`: uniform whole numbers
   * in [min, max] (token ids: max = vocabulary size - 1); `mask`: an attention mask, 1 for each
   * sample's first tokens and 0 for a padded tail (every sample keeps at least half of its tokens);
   * `ones`, `zeros`: constant (token type ids). @default normal for float inputs, ones for integers
   */
  readonly values?: InputValues;
}

/** A model a user brings as an ONNX file. */
export interface UserModelRef {
  /** Name used in keys and reports, e.g. `my-net`. */
  readonly name: string;
  /**
   * Path to the .onnx file, relative to the project root or absolute. Runtimes load it by path, so
   * weights in external data files beside it (models over 2 GB) are found.
   */
  readonly path: string;
  /** Single-input models: the input to feed; @default the model's first input */
  readonly inputName?: string;
  /** Single-input models: shape of one sample without the batch dimension; @default read from the model (fixed dims only) */
  readonly sampleShape?: readonly number[];
  /** Several or non-float inputs: every input the model has, each described (excludes inputName/sampleShape). */
  readonly inputs?: readonly UserModelInput[];
  /** Outputs compared with the reference; @default the first output */
  readonly outputs?: readonly string[];
  /** Relative L2 error allowed against the reference; @default 1e-4 on CPU, 1e-3 on GPU */
  readonly tolerance?: number;
}

/** A named set of models whose orderings and reversals are computed (`benchGroup`). */
export interface BenchGroup {
  readonly name: string;
  /** Model names (user models, archetypes), at least two. */
  readonly models: readonly string[];
}

export interface BenchSpec {
  /** A block or archetype id from `fixtures/`, or a user's ONNX model. */
  readonly model: string | UserModelRef;
  /** A compiler id from the registry (`ort-cpu-all`, …), or an adapter instance (tests, custom runtimes). */
  readonly compiler?: string | CompilerAdapter;
  /**
   * User models only, instead of `compiler`: several compiler ids in one spec file. Each pairing is
   * still its own case with its own key (built-in fixtures keep one file per compiler).
   */
  readonly compilers?: readonly string[];
  /** Batch sizes to sweep. */
  readonly batches: readonly number[];
  /** Depths to sweep (blocks only: the block repeated d times). */
  readonly depths?: readonly number[];
  /** User models only: values of the named input dimensions to sweep, e.g. `{ seq: [32, 128] }`. */
  readonly dims?: Readonly<Record<string, readonly number[]>>;
  /** Overrides of the profile's measuring options for this spec. */
  readonly measure?: Partial<MeasureOptions>;
  /** Overrides the profile's number of sessions per case. */
  readonly sessions?: number;
}

/** A spec of exactly one compiler: what a multi-compiler spec is split into when it is recorded. */
export type SingleCompilerSpec = BenchSpec & { readonly compiler: string | CompilerAdapter; readonly compilers?: undefined };

/** One spec per compiler; throws (naming the model) on a spec that names none, both forms, or duplicates. */
export function splitSpec(spec: BenchSpec): SingleCompilerSpec[] {
  const modelName = typeof spec.model === 'string' ? spec.model : spec.model.name;
  if (spec.compiler !== undefined && spec.compilers !== undefined) throw new Error(`${modelName}: give either compiler or compilers, not both`);
  if (spec.compilers === undefined) {
    if (spec.compiler === undefined) throw new Error(`${modelName}: the spec names no compiler (compiler or compilers)`);
    const { compilers: _, ...rest } = spec;
    return [{ ...rest, compiler: spec.compiler }];
  }
  if (typeof spec.model === 'string') {
    throw new Error(`${modelName}: compilers (several in one file) is for user models; a built-in fixture has one spec file per compiler`);
  }
  if (spec.compilers.length === 0) throw new Error(`${modelName}: compilers is empty`);
  const duplicate = spec.compilers.find((id, i) => spec.compilers?.indexOf(id) !== i);
  if (duplicate !== undefined) throw new Error(`${modelName}: compiler "${duplicate}" is listed twice`);
  const { compilers, ...rest } = spec;
  return compilers.map((compiler) => ({ ...rest, compiler }));
}

export const PLAN_VERSION = 1 as const;

export const SelectionSchema = z.strictObject({
  compilers: z.array(z.string()).nullable(),
  models: z.array(z.string()).nullable(),
  batches: z.array(z.number().int().positive()).nullable(),
  depths: z.array(z.number().int().positive()).nullable(),
  hardware: z.enum(HARDWARE_NAMES),
  profile: z.enum(PROFILE_NAMES),
  engine: z.enum(ENGINE_NAMES),
});

const UserModelInputSchema = z.strictObject({
  name: z.string().min(1),
  dtype: z.enum(INPUT_DTYPES).optional(),
  shape: z.array(z.union([z.number().int().positive(), z.string().regex(DIM_NAME_PATTERN)])).optional(),
  values: z
    .discriminatedUnion('kind', [
      z.strictObject({ kind: z.literal('normal') }),
      z.strictObject({ kind: z.literal('integers'), min: z.number().int(), max: z.number().int() }),
      z.strictObject({ kind: z.literal('mask') }),
      z.strictObject({ kind: z.literal('ones') }),
      z.strictObject({ kind: z.literal('zeros') }),
    ])
    .optional(),
});

export const UserModelRefSchema = z.strictObject({
  name: z.string().min(1),
  path: z.string().min(1),
  inputName: z.string().optional(),
  sampleShape: z.array(z.number().int().positive()).optional(),
  inputs: z.array(UserModelInputSchema).min(1).optional(),
  outputs: z.array(z.string().min(1)).min(1).optional(),
  tolerance: z.number().positive().optional(),
});

export const BenchGroupSchema = ComparisonGroupSchema;

/** The built-in group: the archetype fixtures, compared with each other as a user's group is. */
export const ARCHETYPES_GROUP: ComparisonGroup = { name: ARCHETYPES_GROUP_NAME, models: [...ARCHETYPE_IDS].sort() };

const MeasureOverridesSchema = z.strictObject({
  minTimeMs: z.number().nonnegative().optional(),
  minSamples: z.number().int().nonnegative().optional(),
  warmupTimeMs: z.number().nonnegative().optional(),
  warmupIterations: z.number().int().nonnegative().optional(),
  targetRelativeCi: z.number().positive().nullable().optional(),
  maxTimeMs: z.number().nonnegative().optional(),
  maxSamples: z.number().int().positive().optional(),
});

export const PlannedCaseSchema = z.strictObject({
  key: z.string().min(1),
  /** `suite/model/compiler`: the Vitest describe block the case is registered in. */
  title: z.string().min(1),
  /** The spec file, relative to the project root. */
  specFile: z.string().min(1),
  suite: z.enum(SUITES),
  model: z.union([z.string().min(1), UserModelRefSchema]),
  compiler: z.string().min(1),
  hardware: z.enum(['cpu', 'gpu']),
  batch: z.number().int().positive(),
  depth: z.number().int().positive().nullable(),
  /** Swept input dimensions besides batch (user models), e.g. `{ seq: 128 }`; absent when none. */
  dims: z.record(z.string().regex(DIM_NAME_PATTERN), z.number().int().positive()).optional(),
  /** The profile's measuring options with the spec's overrides. */
  measure: MeasureOverridesSchema,
  sessions: z.number().int().positive(),
});
export type PlannedCase = z.infer<typeof PlannedCaseSchema>;

/** A case the base side defines and the head side does not (paired mode): the pull request removed it. */
const SideSchema = z.strictObject({
  /** What the user named (`origin/main`, a sha, a folder). */
  ref: z.string().min(1),
  /** The commit measured, when known. */
  sha: z.string().nullable(),
  /** The checkout the side's worker runs from (absolute). */
  tree: z.string().min(1),
});

export const RunPlanSchema = z.strictObject({
  planVersion: z.literal(PLAN_VERSION),
  commandLine: z.array(z.string()),
  /** `single`: one side, measured in-process with its reference and the anchor alongside; `paired`: head and base side by side. */
  mode: z.enum(['single', 'paired']),
  profile: z.enum(PROFILE_NAMES),
  engine: z.enum(ENGINE_NAMES),
  hardware: z.enum(HARDWARE_NAMES),
  /** Filters that narrowed the matrix, as recorded in the results (compiler, model, batch, depth, hardware, name, files). */
  filters: z.record(z.string(), z.string()),
  /** The selection the cases were planned from (a base checkout's worker plans its own cases from it). */
  selection: SelectionSchema,
  /** `-t`, matched against `<title> <key>`; null when not given. */
  namePattern: z.string().nullable(),
  /** File filters (substrings of spec file paths); empty when not given. */
  fileFilters: z.array(z.string()),
  /** Whole-case time limit, ms. */
  caseTimeoutMs: z.number().positive(),
  /** ONNX Runtime intra-op threads; null: the adapter's default for this machine. */
  ortThreads: z.number().int().nonnegative().nullable(),
  /** Test only: slowdowns per side (`ort-cpu-all=10%`), see src/adapters/slowed.ts. */
  testSlowdown: z.strictObject({ head: z.string().nullable(), base: z.string().nullable() }),
  /** Which reference each compiler is measured alongside (from the gate config, resolved by the CLI). */
  reference: ReferenceSpecSchema,
  /** Seeds the order of paired rounds. */
  seed: z.number().int(),
  /** Paired runs: a fixed number of rounds per case instead of adaptive stopping (calibration); null: the profile's rule. */
  pairedRounds: z.number().int().positive().nullable(),
  /** Paired runs: session pairs per case (each compiled afresh on both sides). */
  pairedSessions: z.number().int().positive(),
  /** The Vitest project and the folder spec files are found under (tests use their own). */
  project: z.string().min(1),
  specDir: z.string().min(1),
  cases: z.array(PlannedCaseSchema),
  /** The comparison groups (the archetypes and the users'), recorded in the results. */
  comparisonGroups: z.array(ComparisonGroupSchema),
  compare: z
    .strictObject({
      head: SideSchema,
      base: SideSchema,
      /** Keys the base side defines for this selection that the head side does not. */
      removed: z.array(z.string()),
      /** Keys the head side defines that the base side does not. */
      added: z.array(z.string()),
      /** CPUs both sides' workers are pinned to (`taskset -c`); null: not pinned. */
      workerCpus: z.string().nullable(),
    })
    .nullable(),
});
export type RunPlan = z.infer<typeof RunPlanSchema>;

/** A selection as plain data, for the plan file. */
export function plainSelection(selection: Selection): z.infer<typeof SelectionSchema> {
  const copy = <T>(list: readonly T[] | null): T[] | null => (list === null ? null : [...list]);
  return {
    compilers: copy(selection.compilers),
    models: copy(selection.models),
    batches: copy(selection.batches),
    depths: copy(selection.depths),
    hardware: selection.hardware,
    profile: selection.profile,
    engine: selection.engine,
  };
}

export class PlanError extends Error {
  override readonly name = 'PlanError';
}

// ---------------------------------------------------------------------------------------------
// Collecting spec files without Vitest

interface Collector {
  readonly specs: { readonly spec: SingleCompilerSpec; readonly file: string }[];
  readonly groups: { readonly group: BenchGroup; readonly file: string }[];
  current: string;
}

const COLLECTOR = Symbol.for('graph-compiler-bench.collector');
type WithCollector = typeof globalThis & { [COLLECTOR]?: Collector };

/** The collector `benchSpec` records into while {@link collectSpecs} imports spec files; undefined under Vitest. */
export function activeCollector(): Collector | undefined {
  return (globalThis as WithCollector)[COLLECTOR];
}

export interface CollectedSpec {
  readonly spec: SingleCompilerSpec;
  /** Relative to the project root. */
  readonly file: string;
}

export interface CollectError {
  readonly where: string;
  readonly message: string;
}

/**
 * Imports the spec files (paths relative to `root`) with `benchSpec` in collection mode, and returns
 * what they declare. A file that throws while loading is an error named after the file; the others
 * are still collected.
 */
export interface CollectedGroup {
  readonly group: BenchGroup;
  readonly file: string;
}

export async function collectSpecs(
  root: string,
  files: readonly string[],
): Promise<{ specs: CollectedSpec[]; groups: CollectedGroup[]; errors: CollectError[] }> {
  await typeScriptLoader();
  const holder = globalThis as WithCollector;
  const collector: Collector = { specs: [], groups: [], current: '' };
  const previous = holder[COLLECTOR];
  holder[COLLECTOR] = collector;
  const errors: CollectError[] = [];
  try {
    for (const file of files) {
      collector.current = file;
      try {
        await import(pathToFileURL(resolve(root, file)).href);
      } catch (error) {
        errors.push({ where: file, message: error instanceof Error ? error.message : String(error) });
      }
    }
  } finally {
    holder[COLLECTOR] = previous;
  }
  return {
    specs: collector.specs.map((s) => ({ spec: s.spec, file: s.file })),
    groups: collector.groups.map((g) => ({ group: g.group, file: g.file })),
    errors,
  };
}

let loader: Promise<void> | undefined;

/**
 * Spec files are TypeScript. This repository's scripts run under tsx already; the built package (a
 * consumer's `graph-compiler-bench bench`, or a base checkout's installed worker) registers tsx's loader
 * once before importing them.
 */
async function typeScriptLoader(): Promise<void> {
  if (import.meta.url.endsWith('.ts')) return;
  loader ??= import('tsx/esm/api').then(({ register }) => void register());
  await loader;
}

/** Records a spec (one per compiler) into the active collector; false when none is active (under Vitest). Throws on a malformed spec. */
export function recordSpec(spec: BenchSpec): boolean {
  const collector = activeCollector();
  if (collector === undefined) return false;
  for (const single of splitSpec(spec)) collector.specs.push({ spec: single, file: collector.current });
  return true;
}

/** Records a comparison group; false when no collector is active (under Vitest, where groups play no part). */
export function recordGroup(group: BenchGroup): boolean {
  const collector = activeCollector();
  if (collector === undefined) return false;
  collector.groups.push({ group, file: collector.current });
  return true;
}

/**
 * The run's comparison groups: the archetypes' and the declared ones, checked — a malformed group, a
 * name used twice or taken by the built-in group, and a member no spec file declares are errors named
 * after the group's file (the group is then left out).
 */
export function resolveGroups(
  groups: readonly CollectedGroup[],
  specs: readonly CollectedSpec[],
): { groups: ComparisonGroup[]; errors: CollectError[] } {
  const errors: CollectError[] = [];
  const known = new Set(specs.map(({ spec }) => (typeof spec.model === 'string' ? spec.model : spec.model.name)));
  const out: ComparisonGroup[] = [ARCHETYPES_GROUP];
  for (const { group, file } of groups) {
    const parsed = ComparisonGroupSchema.safeParse(group);
    if (!parsed.success) {
      errors.push({ where: file, message: `comparison group ${JSON.stringify(group.name)}: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'group'} ${i.message}`).join('; ')}` });
      continue;
    }
    const { name, models } = parsed.data;
    if (out.some((g) => g.name === name)) {
      errors.push({ where: file, message: `comparison group "${name}" is declared twice${name === ARCHETYPES_GROUP.name ? ' (archetypes is the built-in group)' : ''}` });
      continue;
    }
    const repeated = models.find((m, i) => models.indexOf(m) !== i);
    const unknown = models.filter((m) => !known.has(m));
    if (repeated !== undefined) errors.push({ where: file, message: `comparison group "${name}": model "${repeated}" is listed twice` });
    else if (unknown.length > 0) {
      errors.push({
        where: file,
        message: `comparison group "${name}": unknown model${unknown.length > 1 ? 's' : ''} ${unknown.map((m) => `"${m}"`).join(', ')}; models declared by spec files: ${[...known].sort().join(', ')}`,
      });
    } else out.push({ name, models: [...models] });
  }
  return { groups: out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)), errors };
}

// ---------------------------------------------------------------------------------------------
// From a spec to its cases

export interface SpecIdentity {
  readonly suite: Suite;
  readonly modelName: string;
  readonly compilerId: string;
  readonly hardware: 'cpu' | 'gpu';
  readonly hasDepth: boolean;
}

/** What a spec is about, checked: an unknown fixture or compiler throws, listing the valid ids. */
export function specIdentity(spec: SingleCompilerSpec): SpecIdentity {
  const compilerId = typeof spec.compiler === 'string' ? spec.compiler : spec.compiler.id;
  const hardware = typeof spec.compiler === 'string' ? compilerHardware(spec.compiler) : spec.compiler.hardware;
  if (typeof spec.model !== 'string') return { suite: 'models', modelName: spec.model.name, compilerId, hardware, hasDepth: false };
  const fixture = getFixture(spec.model);
  return { suite: fixture.kind === 'block' ? 'blocks' : 'archetypes', modelName: spec.model, compilerId, hardware, hasDepth: fixture.kind === 'block' };
}

export const titleOf = (id: Pick<SpecIdentity, 'suite' | 'modelName' | 'compilerId'>): string => `${id.suite}/${id.modelName}/${id.compilerId}`;

function positiveIntegers(what: string, values: readonly number[]): void {
  if (values.length === 0 || values.some((v) => !Number.isInteger(v) || v < 1)) {
    throw new Error(`${what} must be a non-empty list of positive whole numbers, got [${values.join(', ')}]`);
  }
}

/** The user model's reference as plain data (the plan is JSON). */
function plainUserModel(ref: UserModelRef): z.infer<typeof UserModelRefSchema> {
  const parsed = UserModelRefSchema.safeParse(ref);
  if (!parsed.success) {
    throw new Error(`user model "${ref.name}": ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message} (got ${JSON.stringify(valueAt(ref, i.path))})`).join('; ')}`);
  }
  return parsed.data;
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let at: unknown = data;
  for (const part of path) at = at !== null && typeof at === 'object' ? (at as Record<PropertyKey, unknown>)[part] : undefined;
  return at;
}

/** Every combination of the swept dimensions' values, in name order; one empty combination when there are none. */
function dimCombinations(dims: Readonly<Record<string, readonly number[]>>): Record<string, number>[] {
  let out: Record<string, number>[] = [{}];
  for (const name of Object.keys(dims).sort()) out = out.flatMap((partial) => (dims[name] ?? []).map((value) => ({ ...partial, [name]: value })));
  return out;
}

/** Dimensions an input shape names must be swept (the loader checks that each swept one is used). */
function checkDims(modelName: string, ref: UserModelRef, dims: Readonly<Record<string, readonly number[]>>): void {
  if (ref.inputs !== undefined && (ref.inputName !== undefined || ref.sampleShape !== undefined)) {
    throw new Error(`${modelName}: give inputs, or inputName and sampleShape, not both`);
  }
  const used = new Set((ref.inputs ?? []).flatMap((input) => (input.shape ?? []).filter((d): d is string => typeof d === 'string')));
  for (const name of Object.keys(dims)) {
    if (!DIM_NAME_PATTERN.test(name)) throw new Error(`${modelName}: dimension name "${name}" must be lower-case letters, digits or '_' (not b or d)`);
    positiveIntegers(`${modelName}: dims.${name}`, dims[name] ?? []);
  }
  for (const name of used) if (dims[name] === undefined) throw new Error(`${modelName}: an input shape names "${name}", but the spec's dims give it no values`);
}

export interface PlanSelection {
  readonly selection: Selection;
  /** Vitest-style test-name pattern (`-t`), matched against `<title> <key>`. */
  readonly namePattern: string | null;
  /** Which of the profile's measuring options the cases get: single runs' or paired runs'. @default 'single' */
  readonly mode?: 'single' | 'paired';
}

/** The cases of one spec that the selection keeps, in sweep order (depth, then batch). Throws on a malformed spec. */
export function expandSpec(spec: SingleCompilerSpec, file: string, { selection, namePattern, mode = 'single' }: PlanSelection): PlannedCase[] {
  const id = specIdentity(spec);
  const title = titleOf(id);
  positiveIntegers(`${id.modelName}/${id.compilerId}: batches`, spec.batches);
  if (id.hasDepth) {
    if (spec.depths === undefined) throw new Error(`${id.modelName}/${id.compilerId}: a block spec must name its depths`);
    positiveIntegers(`${id.modelName}/${id.compilerId}: depths`, spec.depths);
  } else if (spec.depths !== undefined) {
    throw new Error(`${id.modelName}/${id.compilerId}: depths apply to blocks only; ${id.modelName} is not a block`);
  }
  if (typeof spec.model === 'string') {
    if (spec.dims !== undefined) throw new Error(`${id.modelName}/${id.compilerId}: dims apply to user models only`);
  } else checkDims(id.modelName, spec.model, spec.dims ?? {});
  const userModel = typeof spec.model === 'string' ? null : plainUserModel(spec.model);
  const selected =
    (selection.hardware === 'all' || selection.hardware === id.hardware) &&
    (selection.compilers === null || selection.compilers.includes(id.compilerId)) &&
    (selection.models === null || selection.models.includes(id.modelName));
  if (!selected) return [];
  const profile = getProfile(selection.profile);
  const batches = sweepValues(spec.batches, profile.sweep).filter((b) => selection.batches?.includes(b) ?? true);
  const depths: (number | null)[] = id.hasDepth
    ? sweepValues(spec.depths ?? [], profile.sweep).filter((d) => selection.depths?.includes(d) ?? true)
    : [null];
  const swept: Record<string, number[]> = {};
  for (const [name, values] of Object.entries(spec.dims ?? {})) swept[name] = sweepValues(values, profile.sweep);
  const combinations = dimCombinations(swept);
  const pattern = namePattern === null ? null : new RegExp(namePattern);
  const measure = { ...(mode === 'paired' ? profile.paired.measure : profile.measure), ...spec.measure };
  const cases: PlannedCase[] = [];
  for (const depth of depths) {
    for (const dims of combinations) {
      for (const batch of batches) {
        const hasDims = Object.keys(dims).length > 0;
        const key = caseKey({ suite: id.suite, modelId: id.modelName, compilerId: id.compilerId, batch, depth, dims });
        if (pattern !== null && !pattern.test(`${title} ${key}`)) continue;
        cases.push({
          key,
          title,
          specFile: file,
          suite: id.suite,
          model: userModel ?? (spec.model as string),
          compiler: id.compilerId,
          hardware: id.hardware,
          batch,
          depth,
          ...(hasDims ? { dims } : {}),
          measure,
          sessions: spec.sessions ?? profile.sessions,
        });
      }
    }
  }
  return cases;
}

/**
 * Every selected case of the collected specs. A spec that is malformed is an error named after its
 * file (its cases are left out); two specs of one title are an error too, since keys must be unique.
 */
export function planCases(specs: readonly CollectedSpec[], planSelection: PlanSelection): { cases: PlannedCase[]; errors: CollectError[] } {
  const cases: PlannedCase[] = [];
  const errors: CollectError[] = [];
  const titles = new Map<string, string>();
  for (const { spec, file } of specs) {
    let expanded: PlannedCase[];
    let title: string;
    try {
      title = titleOf(specIdentity(spec));
      expanded = expandSpec(spec, file, planSelection);
    } catch (error) {
      errors.push({ where: file, message: error instanceof Error ? error.message : String(error) });
      continue;
    }
    const other = titles.get(title);
    if (other !== undefined) {
      errors.push({ where: file, message: `${title} is also declared in ${other}; each model × compiler pairing must be declared once` });
      continue;
    }
    titles.set(title, file);
    cases.push(...expanded);
  }
  return { cases, errors };
}

/** Spec files under `specDir` (relative to `root`), as paths relative to `root`, sorted. */
export async function specFilesUnder(root: string, specDir: string): Promise<string[]> {
  const { readdir } = await import('node:fs/promises');
  const found: string[] = [];
  const walk = async (directory: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(directory, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(directory, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.name.endsWith('.bench.ts')) found.push(relative(root, path).split(sep).join('/'));
    }
  };
  await walk(isAbsolute(specDir) ? specDir : join(root, specDir));
  return found.sort();
}

// ---------------------------------------------------------------------------------------------
// The plan on disk

export async function writePlan(path: string, plan: RunPlan): Promise<void> {
  await writeJsonAtomic(path, plan);
}

export function parsePlan(text: string, path: string): RunPlan {
  const data = parseJsonText(text, path, (message) => new PlanError(message));
  const parsed = RunPlanSchema.safeParse(data);
  if (!parsed.success) throw new PlanError(`${path} is not a run plan of this version:\n${formatZodIssues(path, parsed.error, data, 'field')}`);
  return parsed.data;
}

export async function readPlan(path: string): Promise<RunPlan> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new PlanError(`cannot read the run plan ${path}: ${(error as Error).message}`);
  }
  return parsePlan(text, path);
}
