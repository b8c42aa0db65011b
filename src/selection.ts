/**
 * Which part of the matrix a run measures. The CLI turns flags into these environment variables;
 * spec files read them, so plain `vitest run --project bench` honours them too.
 *
 * | variable        | meaning                                           | example            |
 * |-----------------|---------------------------------------------------|--------------------|
 * | GCB_COMPILER    | compiler ids to run (comma-separated)             | ort-cpu-all        |
 * | GCB_MODEL       | block, archetype or user model names              | resnet-basic       |
 * | GCB_BATCH       | batch sizes                                       | 1,8                |
 * | GCB_DEPTH       | depths (block sweeps only)                        | 4                  |
 * | GCB_HARDWARE    | `cpu` (default) or `gpu`: which compilers run     | gpu                |
 * | GCB_PROFILE     | `default`, `quick` or `full`                      | quick              |
 * | GCB_ENGINE      | `tinybench` (default) or `mitata`                 | mitata             |
 */
import { PROFILE_NAMES, type ProfileName } from './profiles.ts';

export const ENGINE_NAMES = ['tinybench', 'mitata'] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];
export const HARDWARE_NAMES = ['cpu', 'gpu', 'all'] as const;
export type HardwareSelection = (typeof HARDWARE_NAMES)[number];

export interface Selection {
  readonly compilers: readonly string[] | null;
  readonly models: readonly string[] | null;
  readonly batches: readonly number[] | null;
  readonly depths: readonly number[] | null;
  readonly hardware: HardwareSelection;
  readonly profile: ProfileName;
  readonly engine: EngineName;
}

export class SelectionError extends Error {
  override readonly name = 'SelectionError';
}

function list(text: string | undefined): string[] | null {
  if (text === undefined || text.trim() === '') return null;
  return text.split(',').map((part) => part.trim()).filter((part) => part !== '');
}

function numbers(option: string, text: string | undefined): number[] | null {
  const parts = list(text);
  if (parts === null) return null;
  return parts.map((part) => {
    const value = Number(part);
    if (!Number.isInteger(value) || value < 1) {
      throw new SelectionError(`${option} must be positive whole numbers separated by commas, got "${part}"`);
    }
    return value;
  });
}

function oneOf<T extends string>(option: string, text: string | undefined, valid: readonly T[], fallback: T): T {
  if (text === undefined || text === '') return fallback;
  if (!(valid as readonly string[]).includes(text)) {
    throw new SelectionError(`${option}: unknown value "${text}"; valid values: ${valid.join(', ')}`);
  }
  return text as T;
}

/**
 * Reads the selection from the environment. Names are checked against `known` when given, so a typo
 * is an error that lists the valid names rather than a silently empty run.
 */
export function selectionFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  known?: { compilers: readonly string[]; models: readonly string[] },
): Selection {
  const compilers = list(env.GCB_COMPILER);
  const models = list(env.GCB_MODEL);
  if (known !== undefined) {
    for (const id of compilers ?? []) {
      if (!known.compilers.includes(id)) {
        throw new SelectionError(`unknown compiler "${id}"; valid compilers: ${known.compilers.join(', ')}`);
      }
    }
    for (const id of models ?? []) {
      if (!known.models.includes(id)) {
        throw new SelectionError(`unknown model "${id}"; valid blocks and archetypes: ${known.models.join(', ')}`);
      }
    }
  }
  return {
    compilers,
    models,
    batches: numbers('GCB_BATCH (--batch)', env.GCB_BATCH),
    depths: numbers('GCB_DEPTH (--depth)', env.GCB_DEPTH),
    hardware: oneOf('GCB_HARDWARE (--hardware)', env.GCB_HARDWARE, HARDWARE_NAMES, 'cpu'),
    profile: oneOf('GCB_PROFILE (--profile)', env.GCB_PROFILE, PROFILE_NAMES, 'default'),
    engine: oneOf('GCB_ENGINE (--engine)', env.GCB_ENGINE, ENGINE_NAMES, 'tinybench'),
  };
}

/** The filters recorded in the run result (only those that narrowed the matrix). */
export function selectionFilters(selection: Selection): Record<string, string> {
  const filters: Record<string, string> = {};
  if (selection.compilers) filters.compiler = selection.compilers.join(',');
  if (selection.models) filters.model = selection.models.join(',');
  if (selection.batches) filters.batch = selection.batches.join(',');
  if (selection.depths) filters.depth = selection.depths.join(',');
  if (selection.hardware !== 'all') filters.hardware = selection.hardware;
  return filters;
}
