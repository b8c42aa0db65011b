/**
 * The result and baseline schemas as JSON Schema (draft 2020-12), for tools outside this project.
 * Generated from the zod schemas, which stay the single source of truth; `schemas/*.json` are committed
 * and a test keeps them in step (`pnpm schemas` rewrites them).
 */
import { z } from 'zod';
import { BaselineSchema } from './baseline.ts';
import { RunResultSchema } from './schema.ts';
import { stableJson } from './atomic.ts';

export const JSON_SCHEMAS = {
  'schemas/run-result.schema.json': RunResultSchema,
  'schemas/baseline.schema.json': BaselineSchema,
} as const;

export function jsonSchemaText(schema: z.ZodType): string {
  return stableJson(z.toJSONSchema(schema, { target: 'draft-2020-12', unrepresentable: 'any' }));
}
