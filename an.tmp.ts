import { readFileSync } from 'node:fs';
import { judgedPartner, roundRatios } from './src/results/ratios.ts';
import type { CompletedCase, RunResult } from './src/results/schema.ts';
const load = (f: string) => { const d = JSON.parse(readFileSync(f, 'utf8')) as RunResult; return new Map(d.cases.filter((c) => c.state === 'completed').map((c) => [c.key, c as CompletedCase])); };
const a = load('/tmp/acc1-results.json'), b = load('/tmp/acc2-results.json');
const med = (x: number[]) => { const s = [...x].sort((p, q) => p - q); const n = s.length; return n % 2 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2; };
function sessions(c: CompletedCase): number[] {
  const il = c.interleaving; const p = judgedPartner(c);
  const partner = il.reference ?? { samples: il.anchor.samples, callsPerRound: il.anchor.callsPerRound };
  const all = roundRatios(c.samples, il.callsPerRound, partner.samples, partner.callsPerRound);
  const out: number[] = []; let i = 0;
  for (const n of il.sessionRounds) { out.push(Math.log(med(all.slice(i, i + n)))); i += n; }
  return out;
}
const rows: { key: string; d: number; sa: number; sb: number; kind: string }[] = [];
for (const [k, ca] of a) { const cb = b.get(k); if (!cb) continue;
  const pa = judgedPartner(ca), pb = judgedPartner(cb); if (pa.id !== pb.id) continue;
  const d = Math.log(med(pb.ratios) / med(pa.ratios));
  const s1 = sessions(ca), s2 = sessions(cb);
  const spread = (s: number[]) => Math.max(...s) - Math.min(...s);
  rows.push({ key: k, d, sa: spread(s1), sb: spread(s2), kind: pa.kind });
}
const thr = (r: typeof rows[0]) => Math.log(1 + (r.kind === 'reference' ? 0.075 : 0.10));
console.log('cases', rows.length, 'ref', rows.filter(r=>r.kind==='reference').length);
const over = rows.filter((r) => Math.abs(r.d) > thr(r));
console.log('|d|>thr', over.length);
const q = (x: number[], p: number) => { const s = [...x].sort((a, b) => a - b); return s[Math.floor(p * (s.length - 1))]!; };
console.log('session spread in baseline run: p50', q(rows.map(r=>r.sa),0.5).toFixed(3), 'p90', q(rows.map(r=>r.sa),0.9).toFixed(3));
console.log('|d| p50', q(rows.map(r=>Math.abs(r.d)),0.5).toFixed(3), 'p90', q(rows.map(r=>Math.abs(r.d)),0.9).toFixed(3), 'p99', q(rows.map(r=>Math.abs(r.d)),0.99).toFixed(3));
// correlation: among cases with big spread vs small
for (const lim of [0.05, 0.1, 0.2]) { const small = rows.filter(r => Math.max(r.sa, r.sb) <= lim); const big = rows.filter(r => Math.max(r.sa,r.sb) > lim);
  console.log(`spread<=${lim}: n=${small.length} over=${small.filter(r=>Math.abs(r.d)>thr(r)).length}; >: n=${big.length} over=${big.filter(r=>Math.abs(r.d)>thr(r)).length}`); }
for (const r of over.sort((x,y)=>Math.abs(y.d)-Math.abs(x.d)).slice(0,25)) console.log(r.key, r.kind, r.d.toFixed(3), r.sa.toFixed(3), r.sb.toFixed(3));
