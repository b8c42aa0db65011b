/** Reading a results file (`results/latest.json`, a CI artifact, or a gzipped `*.json.gz`), checked against the result schema. */
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
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
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ResultsFileError(
      code === 'ENOENT' ? `${file}: no such results file (run pnpm bench first)` : `${file}: cannot read (${(error as Error).message})`,
      file,
    );
  }
  // Results kept in the repository (docs/results/data/) are gzipped: a GPU part is 0.5–2 MB of JSON.
  if (file.endsWith('.gz')) {
    try {
      bytes = gunzipSync(bytes);
    } catch (error) {
      throw new ResultsFileError(`${file}: not a readable gzip file (${(error as Error).message})`, file);
    }
  }
  return parseRunResult(bytes.toString('utf8'), file);
}
