/** Reading a results file (`results/latest.json`, a CI artifact), checked against the result schema. */
import { readFile } from 'node:fs/promises';
import { READABLE_SCHEMA_VERSIONS, RunResultSchema, type RunResult } from './schema.ts';
import { parseVersionedJson } from './validation.ts';

export class ResultsFileError extends Error {
  override readonly name = 'ResultsFileError';
  constructor(
    message: string,
    readonly file: string,
  ) {
    super(message);
  }
}

export function parseRunResult(text: string, file: string): RunResult {
  return parseVersionedJson(text, file, {
    schema: RunResultSchema,
    version: READABLE_SCHEMA_VERSIONS,
    what: 'results file',
    advice: 'it was written by another version of graph-compiler-bench; re-run pnpm bench',
    makeError: (message) => new ResultsFileError(message, file),
    otherKind: (data) => (data['kind'] === 'baseline' ? 'this is a baseline, not a results file (results are in results/latest.json)' : null),
  });
}

export async function loadRunResult(file: string): Promise<RunResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ResultsFileError(
      code === 'ENOENT' ? `${file}: no such results file (run pnpm bench first)` : `${file}: cannot read (${(error as Error).message})`,
      file,
    );
  }
  return parseRunResult(text, file);
}
