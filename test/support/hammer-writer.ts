/**
 * A child process for test/robustness-concurrent-writers.test.ts: writes a results file or a baseline
 * to one path over and over for a while, alternating a large and a small document, through the suite's
 * own writers (writeJsonAtomic, writeBaseline). Prints `ready` after its first write and `done <n>` at
 * the end.
 *
 *   node --import tsx test/support/hammer-writer.ts <results|baseline> <path> <durationMs> <seed>
 */
import { computeMetrics } from '../../src/metrics/compute.ts';
import { writeJsonAtomic } from '../../src/results/atomic.ts';
import { baselineFromRun, writeBaseline } from '../../src/results/baseline.ts';
import { makeRun, randomSamples, sweep } from './synthetic-run.ts';

const [kind, path, durationText, seedText] = process.argv.slice(2);
if ((kind !== 'results' && kind !== 'baseline') || path === undefined) {
  process.stderr.write('usage: hammer-writer.ts <results|baseline> <path> <durationMs> <seed>\n');
  process.exit(2);
}
const durationMs = Number(durationText ?? 1000);
const seed = Number(seedText ?? 1);

/** A run whose size depends on `cases` (a few kB to a few hundred kB of JSON). */
function run(cases: number, samples: number) {
  const batches = Array.from({ length: cases }, (_, i) => i + 1);
  return makeRun(
    sweep({ model: 'resnet-basic', compiler: 'ort-cpu-disabled' }, batches, [1], (b) => randomSamples(b, samples, 0.05, seed * 1000 + b)),
    { profile: `writer-${seed}` },
  );
}

const documents =
  kind === 'results'
    ? [run(40, 400), run(2, 5)]
    : [run(40, 400), run(2, 5)].map((r) => baselineFromRun(r, computeMetrics(r, { bootstrap: { resamples: 50 } })));

let writes = 0;
const end = Date.now() + durationMs;
while (Date.now() < end || writes === 0) {
  const document = documents[writes % documents.length]!;
  if (kind === 'results') await writeJsonAtomic(path, document);
  else await writeBaseline(path, document as Parameters<typeof writeBaseline>[1]);
  if (writes === 0) process.stdout.write('ready\n');
  writes++;
}
process.stdout.write(`done ${writes}\n`);
