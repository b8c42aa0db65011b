import { readFileSync } from 'node:fs';
import { judgedPartner } from './src/results/ratios.ts';
import type { CompletedCase, RunResult } from './src/results/schema.ts';
const load = (f: string) => { const d = JSON.parse(readFileSync(f, 'utf8')) as RunResult; return new Map(d.cases.filter((c) => c.state === 'completed').map((c) => [c.key, c as CompletedCase])); };
const R = ['/tmp/acc1-results.json', 'results/run-2026-12-01T10-34-10-477Z.json', '/tmp/acc2-results.json'].map(load);
const med = (x: number[]) => { const s = [...x].sort((p, q) => p - q); const n = s.length; return n % 2 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2; };
type S = { m: number; anchor: number; kind: string; id: string };
const summ = R.map((run) => new Map([...run].map(([k, c]) => { const p = judgedPartner(c); return [k, { m: med(p.ratios), anchor: c.interleaving.disturbance.quietAnchorMs, kind: p.kind, id: p.id } as S]; })));
const thr = (s: S) => (s.kind === 'reference' ? 0.075 : 0.10);
function evalRule(baseIdx: number[], test: number, slow: number, tol = 0.15) {
  let n = 0, flagged = 0, unj = 0;
  for (const [k, t] of summ[test]!) {
    const bs = baseIdx.map((i) => summ[i]!.get(k)); if (bs.some((b) => !b || b.id !== t.id)) continue;
    // machine state: judged if anchor within tol of any baseline run (B) / the one (A)
    const ok = bs.some((b) => Math.abs(Math.log(t.anchor / b!.anchor)) <= Math.log1p(tol));
    if (!ok) { unj++; continue; }
    n++;
    const hi = Math.max(...bs.map((b) => b!.m));
    if (t.m * slow > hi * (1 + thr(t))) flagged++;
  }
  return { n, flagged, unj, rate: (flagged / n * 100).toFixed(1) + '%' };
}
for (const [base, test] of [[[0], 1], [[0], 2], [[1], 2], [[1], 0], [[2], 0], [[2], 1], [[0, 1], 2], [[0, 2], 1], [[1, 2], 0]] as [number[], number][]) {
  console.log(JSON.stringify(base), '->', test, 'A/A', JSON.stringify(evalRule(base, test, 1)), 'x1.10', JSON.stringify(evalRule(base, test, 1.1)), 'x1.20', evalRule(base, test, 1.2).rate);
}
console.log('--- per compiler/kind between-run |ln d| (all 3 pairs, judged, machine state ok)');
const by = new Map<string, number[]>();
for (const [i, j] of [[0, 1], [0, 2], [1, 2]]) for (const [k, t] of summ[j]!) { const b = summ[i]!.get(k); if (!b || b.id !== t.id) continue;
  if (Math.abs(Math.log(t.anchor / b.anchor)) > Math.log1p(0.15)) continue;
  const comp = k.split('/')[2]! + ':' + t.kind; (by.get(comp) ?? by.set(comp, []).get(comp)!).push(Math.abs(Math.log(t.m / b.m))); }
const q = (x: number[], p: number) => { const s = [...x].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(p * s.length))]!; };
for (const [c, v] of [...by].sort()) console.log(c.padEnd(32), 'n', String(v.length).padStart(4), 'p50', (Math.expm1(q(v, .5))*100).toFixed(1), 'p90', (Math.expm1(q(v, .9))*100).toFixed(1), 'p99', (Math.expm1(q(v, .99))*100).toFixed(1), 'max', (Math.expm1(Math.max(...v))*100).toFixed(1));
console.log('--- leave-one-out: baseline = mean of two runs (geometric), thresholds per compiler from that pair');
for (const [i, j, t] of [[0, 1, 2], [0, 2, 1], [1, 2, 0]]) {
  const noise = new Map<string, number[]>();
  for (const [k, y] of summ[j]!) { const x = summ[i]!.get(k); if (!x || x.id !== y.id) continue; if (Math.abs(Math.log(y.anchor / x.anchor)) > Math.log1p(0.15)) continue;
    const comp = k.split('/')[2]! + ':' + y.kind; (noise.get(comp) ?? noise.set(comp, []).get(comp)!).push(Math.abs(Math.log(y.m / x.m))); }
  for (const stat of ['p95', 'p99', 'max'] as const) for (const slow of [1, 1.1, 1.2]) {
    let n = 0, f = 0; const fl: string[] = [];
    for (const [k, y] of summ[t]!) { const a = summ[i]!.get(k), b = summ[j]!.get(k); if (!a || !b || a.id !== y.id || b.id !== y.id) continue;
      const okState = [a, b].some((z) => Math.abs(Math.log(y.anchor / z.anchor)) <= Math.log1p(0.15)); if (!okState) continue;
      const comp = k.split('/')[2]! + ':' + y.kind; const v = noise.get(comp) ?? [0];
      const nz = stat === 'max' ? Math.max(...v) : q(v, stat === 'p95' ? .95 : .99);
      const thrC = Math.max(Math.log1p(thr(y)), nz);
      const base = Math.sqrt(a.m * b.m); n++;
      if (Math.log(y.m * slow / base) > thrC) { f++; fl.push(k); } }
    console.log(`test R${t + 1} ${stat} slow ${slow}: ${f}/${n} (${(f / n * 100).toFixed(1)}%)`, slow === 1 ? fl.slice(0, 6).join(' ') : '');
  }
}
