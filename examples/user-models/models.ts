/**
 * The models scripts/export-models.py wrote, read from its manifest in .cache/user-models/, so
 * the spec files here name whichever vision pair exported under the local torch (swin_t, or vit_s16 or
 * resnet50 in its place). Paths are relative to the project root, where `pnpm bench` runs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const MODEL_DIR = '.cache/user-models';

export interface ExportedModel {
  readonly name: string;
  readonly file: string;
  readonly kind: 'vision' | 'transformer';
  readonly source: string;
  readonly vocabSize?: number;
}

export function exportedModels(): ExportedModel[] {
  const manifest = join(MODEL_DIR, 'manifest.json');
  if (!existsSync(manifest)) {
    throw new Error(`${manifest} not found: export the models first (python3 scripts/export-models.py; see examples/user-models/README.md)`);
  }
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { models: ExportedModel[] }).models;
}

export const pathOf = (model: ExportedModel): string => join(MODEL_DIR, model.file);
