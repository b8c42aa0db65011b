/**
 * Power and false-alarm rates of the per-case minimum-effect tests (signed-rank vs t) and of the
 * aggregate, on simulated paired runs. Not a test: run it by hand to re-derive the numbers quoted in
 * test/stats-paired.test.ts and in the paired-statistics notes:
 *
 *   node --import tsx test/support/paired-power-table.ts [seeds]
 *
 * Per configuration (rounds n, threshold τ, noise) and scenario it prints, for each method:
 *   raw   = share of case tests with p < α (one direction: the one the scenario's shift points to,
 *           'slower'; for pure noise either direction counts),
 *   BH    = share of cases rejected by Benjamini–Hochberg at q = α over the run's 100 cases,
 *   run   = share of runs with at least one BH rejection (the false-alarm rate of a run, for noise);
 *   and for the aggregate (t over the 100 case means, threshold τ), the share of runs it calls slower
 *   (for noise: slower or faster).
 */
import { aggregateLogRatios, benjaminiHochberg, logThreshold, minimumEffectTests, type MinimumEffectPValues } from '../../src/stats/paired.ts';
import { mean, simulatePairedRun, type NoiseKind } from './paired-simulation.ts';

const ALPHA = 0.005;
const CASES = 100;
const SD = 0.03;
const seeds = Number(process.argv[2] ?? 300);

interface Scenario {
  readonly name: string;
  /** True log-ratio of case i, given τ. */
  readonly shift: (caseIndex: number, tau: number) => number;
  /** Cases whose detection is counted as power (the shifted ones); null: any rejection is a false alarm. */
  readonly shifted: ((caseIndex: number, tau: number) => boolean) | null;
}

const SCENARIOS: readonly Scenario[] = [
  { name: 'all 100 cases +5%', shift: () => Math.log(1.05), shifted: () => true },
  { name: 'all 100 cases +10%', shift: () => Math.log(1.1), shifted: () => true },
  { name: '5 of 100 cases +10%', shift: (i) => (i < 5 ? Math.log(1.1) : 0), shifted: (i) => i < 5 },
  { name: 'all cases at +τ (boundary)', shift: (_, tau) => logThreshold(tau), shifted: () => true },
  { name: 'pure noise', shift: () => 0, shifted: null },
];

type Method = 'signedRank' | 't';
const METHODS: readonly Method[] = ['signedRank', 't'];

function pct(x: number): string {
  return `${(100 * x).toFixed(x < 0.01 && x > 0 ? 2 : 1)}%`;
}

const lines: string[] = [];
lines.push(`seeds per configuration: ${seeds}; ${CASES} cases; round noise sd ${SD}; α = q = ${ALPHA}`);
lines.push('| noise | n | τ | scenario | signed-rank raw / BH / run | t raw / BH / run | aggregate |');
lines.push('|---|---|---|---|---|---|---|');
for (const noise of ['normal', 'mixture'] as NoiseKind[])
  for (const tau of [0.03, 0.05])
    for (const rounds of [6, 8, 10, 12])
      for (const scenario of SCENARIOS) {
        const raw = { signedRank: 0, t: 0 };
        const bh = { signedRank: 0, t: 0 };
        const runs = { signedRank: 0, t: 0 };
        let counted = 0;
        let aggregateCalls = 0;
        for (let seed = 1; seed <= seeds; seed++) {
          const run = simulatePairedRun({ seed: seed * 7919 + rounds, cases: CASES, rounds, sd: SD, noise, shift: (i) => scenario.shift(i, tau) });
          const tests = run.map((d) => minimumEffectTests(d, tau));
          const aggregate = aggregateLogRatios(run.map((d) => ({ estimate: mean(d) })), { threshold: tau });
          if (aggregate.pSlower < ALPHA || (scenario.shifted === null && aggregate.pFaster < ALPHA)) aggregateCalls++;
          for (const method of METHODS) {
            const ps: MinimumEffectPValues[] = tests.map((t) => t[method]);
            const slower = benjaminiHochberg(ps.map((p) => p.pSlower), ALPHA);
            const faster = benjaminiHochberg(ps.map((p) => p.pFaster), ALPHA);
            for (let i = 0; i < CASES; i++) {
              const p = ps[i] as MinimumEffectPValues;
              if (scenario.shifted === null) {
                if (p.pSlower < ALPHA || p.pFaster < ALPHA) raw[method]++;
                if (slower.tests[i]?.rejected || faster.tests[i]?.rejected) bh[method]++;
              } else if (scenario.shifted(i, tau)) {
                if (p.pSlower < ALPHA) raw[method]++;
                if (slower.tests[i]?.rejected) bh[method]++;
              }
            }
            if (slower.rejections + faster.rejections > 0) runs[method]++;
          }
          counted += scenario.shifted === null ? CASES : run.filter((_, i) => scenario.shifted?.(i, tau)).length;
        }
        const cell = (m: Method) => `${pct(raw[m] / counted)} / ${pct(bh[m] / counted)} / ${pct(runs[m] / seeds)}`;
        lines.push(`| ${noise} | ${rounds} | ${pct(tau)} | ${scenario.name} | ${cell('signedRank')} | ${cell('t')} | ${pct(aggregateCalls / seeds)} |`);
      }
console.log(lines.join('\n'));
