/**
 * `node --import tsx scripts/thin-run.ts <results.json> <out.json> [rounds] [suites]`: a recorded run cut
 * down to the first `rounds` rounds of every case (default 24), and to the cases of `suites` (a
 * comma-separated list, default all), for use as test data: every arm's samples, the
 * sessions and the set-aside rounds are cut alike and the latency summary is recomputed, so the file is
 * still a valid, self-consistent results file — only smaller.
 */
import { readFileSync } from 'node:fs';
import { disturbedRounds } from '../src/harness/anchor.ts';
import { quietSamples, roundMeans } from '../src/results/ratios.ts';
import { parseRunResult } from '../src/results/run-file.ts';
import { writeJsonAtomic } from '../src/results/atomic.ts';
import { summarizeLatency } from '../src/harness/summary.ts';
import { RunResultSchema, type CaseResult } from '../src/results/schema.ts';

const [input, output, roundsText = '24', suitesText] = process.argv.slice(2);
if (input === undefined || output === undefined) throw new Error('usage: thin-run.ts <results.json> <out.json> [rounds] [suites]');
const keep = Number(roundsText);
const suites = suitesText === undefined ? null : suitesText.split(',');
const run = parseRunResult(readFileSync(input, 'utf8'), input);

function thin(c: CaseResult): CaseResult {
  if (c.state !== 'completed' || c.interleaving.rounds <= keep) return c;
  const il = c.interleaving;
  const sessionRounds: number[] = [];
  let left = keep;
  for (const n of il.sessionRounds) {
    if (left === 0) break;
    sessionRounds.push(Math.min(n, left));
    left -= Math.min(n, left);
  }
  const cut = (samples: readonly number[], calls: number) => samples.slice(0, keep * calls);
  const samples = cut(c.samples, il.callsPerRound);
  const anchorSamples = cut(il.anchor.samples, il.anchor.callsPerRound);
  // The quiet rounds of what is kept, decided as the harness decides them.
  const disturbance = disturbedRounds(roundMeans(anchorSamples, il.anchor.callsPerRound));
  const latency = summarizeLatency(quietSamples(samples, il.callsPerRound, disturbance.excluded));
  return {
    ...c,
    samples,
    latency,
    throughput: latency.median > 0 ? (c.batch * 1000) / latency.median : 0,
    interleaving: {
      ...il,
      rounds: keep,
      sessionRounds,
      reference: il.reference === null ? null : { ...il.reference, samples: cut(il.reference.samples, il.reference.callsPerRound) },
      anchor: { ...il.anchor, samples: anchorSamples },
      disturbance: { ...il.disturbance, quietAnchorMs: disturbance.quietAnchorMs, excludedRounds: disturbance.excluded },
    },
  };
}

const cases = run.cases.filter((c) => suites === null || suites.includes(c.suite)).map(thin);
await writeJsonAtomic(output, RunResultSchema.parse({ ...run, cases }));
