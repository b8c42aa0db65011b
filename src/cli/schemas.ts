/** `pnpm schemas`: rewrites schemas/*.json from the zod schemas. */
import { writeFileAtomic } from '../results/atomic.ts';
import { JSON_SCHEMAS, jsonSchemaText } from '../results/json-schema.ts';

for (const [path, schema] of Object.entries(JSON_SCHEMAS)) {
  await writeFileAtomic(path, jsonSchemaText(schema));
  process.stdout.write(`wrote ${path}\n`);
}
