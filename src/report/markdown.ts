/**
 * The Markdown report (`reports/bench.md`, the job summary and the pull-request comment). Render only:
 * every number comes from the run, the metrics or the verdict. Verdict first, then what failed, then
 * reversals, friction, depth gain, compile cost, charts, every case (collapsed) and the hardware.
 * It stays under GitHub's comment limit by collapsing and summarising, never by cutting silently.
 */
import { markdownTable } from 'markdown-table';
import type { Verdict } from '../gate/index.ts';
import type { MetricsSummary, MetricValue } from '../metrics/index.ts';
import type { RunResult } from '../results/schema.ts';
import { formatSpread } from '../results/baseline.ts';
import { compileCostRows, maxDepthOf } from './select.ts';
import { formatCount, formatMs, formatRatio } from './format.ts';
import { renderXyChart } from './mermaid.ts';

/** GitHub's limit on an issue or pull-request comment body. */
export const GITHUB_COMMENT_LIMIT = 65_536;
/** Hidden marker that finds the suite's one comment again, so a push updates it instead of adding another. */
export const COMMENT_MARKER = '<!-- graph-compiler-bench:report -->';

export interface MarkdownOptions {
  /** @default GITHUB_COMMENT_LIMIT */
  readonly maxLength?: number;
}

/** A problem outside any case: a spec file that failed to load, a case that threw before it was measured. */
export interface ReportedHarnessError {
  readonly where: string;
  readonly message: string;
}

export interface MarkdownInput {
  readonly run: RunResult;
  readonly metrics: MetricsSummary;
  /** Null when the run was not gated (`--no-gate`). */
  readonly verdict: Verdict | null;
  /** Errors outside any case; any of them fails the run. @default none */
  readonly harnessErrors?: readonly ReportedHarnessError[];
}

/** `1.23 [1.20, 1.26]`, or `—` with the reason in a tooltip-free form. */
export function formatValue(value: MetricValue, digits = 3): string {
  if (value.value === null) return `— (${value.reason})`;
  const fmt = (x: number): string => (Math.abs(x) >= 1000 ? formatCount(x) : x.toPrecision(digits));
  return value.ci === null ? fmt(value.value) : `${fmt(value.value)} [${fmt(value.ci.lower)}, ${fmt(value.ci.upper)}]`;
}

const table = (rows: string[][], align: ('l' | 'r' | 'c')[]): string => markdownTable(rows, { align });
const details = (summary: string, body: string): string => `<details><summary>${summary}</summary>\n\n${body}\n\n</details>`;
const escapeCell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function verdictLine(input: MarkdownInput): string {
  const { run, verdict } = input;
  const failed = run.cases.filter((c) => c.state === 'failed').length;
  const errors = input.harnessErrors?.length ?? 0;
  const errorText = `${errors} error${errors === 1 ? '' : 's'} outside any case`;
  const partial = run.complete ? '' : ' · **INCOMPLETE RUN**';
  if (verdict === null) {
    const problems = [failed > 0 ? `${failed} failed cases` : '', errors > 0 ? errorText : ''].filter((p) => p !== '');
    const status = problems.length > 0 ? `❌ FAIL: ${problems.join(', ')}` : '⚪ measured, not gated';
    return `## ${status} — graph-compiler-bench on \`${run.hardware.id}\`${partial}`;
  }
  if (errors > 0) return `## ❌ FAIL: ${errorText} (gate: ${verdict.summaryLine}) — graph-compiler-bench on \`${run.hardware.id}\`${partial}`;
  // An interrupted run never shows a green tick: it exits 130 and measured only part of the matrix.
  const icon = verdict.passed && failed === 0 ? (run.complete ? '✅' : '⚠️') : '❌';
  return `## ${icon} ${verdict.summaryLine} — graph-compiler-bench on \`${run.hardware.id}\`${partial}`;
}

function harnessErrorsSection(errors: readonly ReportedHarnessError[] | undefined): string {
  if (errors === undefined || errors.length === 0) return '';
  return [
    `### Errors outside any case (${errors.length})`,
    'A spec file that failed to load or a case that threw before it was measured: the run is incomplete and fails.',
    errors
      .slice(0, 30)
      .map((e) => `- \`${escapeCell(e.where)}\`: ${escapeCell(e.message)}`)
      .join('\n'),
    errors.length > 30 ? `… and ${errors.length - 30} more (see the console output).` : '',
  ]
    .filter((part) => part !== '')
    .join('\n\n');
}

function runLine(run: RunResult): string {
  const count = (state: string) => run.cases.filter((c) => c.state === state).length;
  const filters = Object.entries(run.filters).map(([k, v]) => `${k}=${v}`).join(', ');
  return [
    `Profile \`${run.profile}\` · ${count('completed')} cases measured, ${count('failed')} failed, ${count('unavailable')} unavailable`,
    filters === '' ? '' : ` · filters: ${filters}`,
    ` · ${run.hardware.cpu.model} (${run.hardware.cpu.cores} cores)${run.hardware.gpu ? ` + ${run.hardware.gpu.vendor} ${run.hardware.gpu.description || run.hardware.gpu.device}` : ''}`,
    ` · ${run.startedAt.slice(0, 16).replace('T', ' ')} UTC`,
  ].join('');
}

function problemsSection(verdict: Verdict | null): string {
  if (verdict === null || verdict.problems.length === 0) return '';
  const regressions = verdict.cases.filter((c) => c.kind === 'regression' && c.evidence !== null);
  const parts = [`### What failed the gate (${verdict.problems.length})`, verdict.problems.map((p) => `- **${p.kind}** \`${p.key}\`: ${escapeCell(p.message)}`).join('\n')];
  if (regressions.length > 0) {
    const rows = regressions.map((c) => {
      const e = c.evidence!;
      return [
        `\`${c.key}\``,
        e.metric === 'relative-latency' ? `\`${e.partnerId}\`` : 'anchor',
        e.baselineMedianRatio.toPrecision(4),
        e.runMedianRatio.toPrecision(4),
        formatRatio(e.ratio),
        e.ci === null ? '—' : `${e.ci[0].toFixed(3)}–${e.ci[1].toFixed(3)}`,
        `${(e.threshold * 100).toFixed(0)}%`,
        e.mannWhitneyP.toExponential(1),
        `${formatMs(e.baselineMedianMs)} → ${formatMs(e.runMedianMs)}`,
      ];
    });
    parts.push(
      table(
        [['case', 'measured against', 'baseline lat/partner', 'run lat/partner', 'change', `${verdict.settings.confidence * 100}% CI`, 'threshold', 'Mann–Whitney p', 'median (not judged)'], ...rows],
        ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
      ),
    );
  }
  return parts.join('\n\n');
}

function reversalsSection(metrics: MetricsSummary, verdict: Verdict | null): string {
  const parts = [`### Reversals of archetype ordering (${metrics.reversals.length})`];
  if (metrics.reversals.length === 0) {
    parts.push(
      metrics.orderings.length === 0
        ? 'No archetype pairs measured in this run.'
        : `None: every compiler keeps the reference's significant ordering of the ${new Set(metrics.orderings.map((o) => `${o.a}~${o.b}`)).size} archetype pairs.`,
    );
  } else {
    const rows = metrics.reversals.map((r) => [
      `b=${r.batch}${r.depth === null ? '' : ` d=${r.depth}`}`,
      `${r.a} vs ${r.b}`,
      `**${r.fasterUnderReference}** under ${r.referenceId} (${formatValue(r.referenceRatio)})`,
      `**${r.fasterUnderCompiler}** under ${r.compilerId} (${formatValue(r.compilerRatio)})`,
    ]);
    parts.push(
      'A reversal: the compiler makes the *other* archetype significantly faster (ratio = latency of the first over the second, with its CI).',
      table([['batch', 'pair', 'faster under the reference', 'faster under the compiler'], ...rows], ['l', 'l', 'l', 'l']),
    );
  }
  if (verdict !== null && verdict.reversals.length > 0) {
    parts.push(`Against the baseline:\n\n${verdict.reversals.map((r) => `- **${r.kind}** \`${r.id}\`: ${escapeCell(r.message)}`).join('\n')}`);
  }
  return parts.join('\n\n');
}

function notMeasuredSection(run: RunResult): string {
  const rows = run.cases
    .filter((c) => c.state !== 'completed')
    .map((c) => [`\`${c.key}\``, c.state === 'failed' ? `failed (${c.phase})` : 'unavailable', escapeCell(c.state === 'failed' ? c.error : c.reason)]);
  if (rows.length === 0) return '';
  return [
    `### Not measured (${rows.length})`,
    'Metrics are computed over the points that ran; these are left out of every fit.',
    table([['case', 'state', 'why'], ...rows.slice(0, 60)], ['l', 'l', 'l']),
    rows.length > 60 ? `… and ${rows.length - 60} more (see results JSON).` : '',
  ].join('\n\n');
}

function frictionSection(metrics: MetricsSummary, compact: boolean): string {
  const series = metrics.friction.filter((s) => !compact || s.suite !== 'blocks' || s.depth === maxDepthOf(metrics, s.modelId));
  if (series.length === 0) return '';
  const rows = series.map((s) => [
    `${s.modelId}${s.depth === null ? '' : ` d=${s.depth}`}`,
    s.compilerId,
    formatValue(s.beta),
    s.knee === null ? '—' : `b=${s.knee}`,
    s.comparison !== null
      ? formatValue(s.comparison.mitigation)
      : s.comparisonNote === undefined || s.comparisonNote === 'this compiler is the reference'
        ? '(reference)'
        : `— (${s.comparisonNote})`,
    s.missing.length === 0 ? '' : `${s.missing.length} missing`,
  ]);
  return [
    `### Batch friction${compact ? ' (blocks at their largest depth)' : ''}`,
    'β = slope of ln latency on ln batch: 0 = batching is free, 1 = no amortisation. Mitigation = β<sub>ref</sub> − β (positive: the compiler removes friction). [95% bootstrap CI]',
    table([['model', 'compiler', 'β', 'knee', 'mitigation vs reference', 'points'], ...rows], ['l', 'l', 'r', 'r', 'r', 'l']),
  ].join('\n\n');
}

function depthSection(metrics: MetricsSummary, compact: boolean): string {
  const maxBatch = (modelId: string) => Math.max(...metrics.depth.filter((s) => s.modelId === modelId).map((s) => s.batch));
  const series = metrics.depth.filter((s) => s.comparison !== null && (!compact || s.batch === maxBatch(s.modelId)));
  if (series.length === 0) return '';
  const rows = series.map((s) => {
    const c = s.comparison!;
    const first = c.speedups[0]?.speedup;
    const last = c.speedups.at(-1)?.speedup;
    return [
      `${s.modelId} b=${s.batch}`,
      s.compilerId,
      formatValue(s.alpha),
      formatValue(s.perBlock),
      first && last ? `${formatValue(first, 3)} → ${formatValue(last, 3)}` : '—',
      formatValue(c.depthGain),
      formatValue(c.perBlockSpeedup),
    ];
  });
  return [
    `### Depth gain${compact ? ' (largest batch)' : ''}`,
    'Fit latency(d) = α + c·d. S(d) = latency<sub>ref</sub>(d) / latency(d); depth gain = S(d<sub>max</sub>) / S(d<sub>min</sub>) (> 1: the compiler gains more on deeper stacks); per-block speedup = c<sub>ref</sub> / c.',
    table([['block', 'compiler', 'α ms', 'c ms/block', 'S(d_min) → S(d_max)', 'depth gain', 'per-block speedup'], ...rows], ['l', 'l', 'r', 'r', 'r', 'r', 'r']),
  ].join('\n\n');
}

function compileSection(metrics: MetricsSummary): string {
  // One row per (model, compiler): compile time and break-even at the largest batch measured.
  const costs = compileCostRows(metrics);
  if (costs.length === 0) return '';
  const rows = costs.map((c) => [
    `${c.key.split('/')[1]}${c.depth === null ? '' : ` d=${c.depth}`} b=${c.batch}`,
    c.compilerId,
    formatMs(c.compileMs),
    formatMs(c.referenceCompileMs),
    formatMs(c.savingMs),
    formatValue(c.breakEven),
  ]);
  return [
    '### Compile cost',
    'Break-even = compile time / latency saved per inference against the reference: inferences after which compiling has paid off.',
    table([['model', 'compiler', 'compile ms', 'reference compile ms', 'saved ms/inference', 'break-even inferences'], ...rows], ['l', 'l', 'r', 'r', 'r', 'r']),
  ].join('\n\n');
}

function chartsSection(run: RunResult, metrics: MetricsSummary): string {
  const charts: string[] = [];
  // Latency against batch, log–log, one chart per archetype (or block at its largest depth).
  const models = [...new Set(metrics.friction.filter((s) => s.suite !== 'blocks').map((s) => s.modelId))];
  for (const modelId of models) {
    const series = metrics.friction.filter((s) => s.modelId === modelId && s.depth === null);
    const batches = [...new Set(series.flatMap((s) => s.points.map((p) => p.batch)))].sort((a, b) => a - b);
    charts.push(
      renderXyChart({
        title: `${modelId}: latency vs batch (log-log)`,
        xTitle: 'batch',
        categories: batches.map(String),
        yTitle: 'log10 latency (ms)',
        lines: series.map((s) => ({
          name: s.compilerId,
          values: batches.map((b) => {
            const point = s.points.find((p) => p.batch === b);
            return point === undefined ? null : Math.log10(point.medianMs);
          }),
        })),
      }),
    );
  }
  // Speedup against depth, one chart per block at its largest batch.
  const blocks = [...new Set(metrics.depth.map((s) => s.modelId))];
  for (const blockId of blocks) {
    const maxBatch = Math.max(...metrics.depth.filter((s) => s.modelId === blockId).map((s) => s.batch));
    const series = metrics.depth.filter((s) => s.modelId === blockId && s.batch === maxBatch && s.comparison !== null);
    const depths = [...new Set(series.flatMap((s) => s.comparison!.speedups.map((p) => p.depth)))].sort((a, b) => a - b);
    charts.push(
      renderXyChart({
        title: `${blockId}: speedup vs depth (b=${maxBatch})`,
        xTitle: 'depth',
        categories: depths.map(String),
        yTitle: 'speedup over reference',
        lines: series.map((s) => ({
          name: s.compilerId,
          values: depths.map((d) => {
            const point = s.comparison!.speedups.find((p) => p.depth === d)?.speedup;
            return point === undefined || point.value === null ? null : point.value;
          }),
        })),
      }),
    );
  }
  const body = charts.filter((c) => c !== '');
  if (body.length === 0 || run.cases.length === 0) return '';
  return ['### Charts', ...body].join('\n\n');
}

function allCasesSection(run: RunResult, metrics: MetricsSummary, verdict: Verdict | null, limit: number | null): string {
  const verdictOf = new Map(verdict?.cases.map((c) => [c.key, c]) ?? []);
  const metricsOf = new Map(metrics.cases.map((m) => [m.key, m]));
  const cases = limit === null ? run.cases : run.cases.slice(0, limit);
  const rows = cases.map((c) => {
    const v = verdictOf.get(c.key);
    const change = v?.evidence ? formatRatio(v.evidence.ratio) : '';
    if (c.state !== 'completed') return [`\`${c.key}\``, '', '', '', '', '', c.state, v?.kind ?? ''];
    const m = metricsOf.get(c.key);
    const quiet = m !== undefined && m.rounds.quiet < m.rounds.all ? `, ${m.rounds.quiet}/${m.rounds.all} rounds quiet` : '';
    return [
      `\`${c.key}\``,
      formatMs(c.latency.median),
      `${formatMs(c.latency.medianCi[0])}–${formatMs(c.latency.medianCi[1])}`,
      formatCount(c.throughput),
      m?.speedupAlongside.value == null ? '' : `${m.speedupAlongside.value.toFixed(2)}×`,
      formatMs(c.compileMs),
      `${c.engine.name}, n=${c.latency.n}, ${c.engine.stoppedBy}${quiet}`,
      v === undefined ? '' : `${v.kind}${change === '' ? '' : ` (${change})`}`,
    ];
  });
  const more = limit !== null && run.cases.length > limit ? `\n\n… ${run.cases.length - limit} more cases are in the results JSON (left out to stay under GitHub's comment limit).` : '';
  return details(
    `All cases (${run.cases.length})`,
    table([['case', 'median ms', '95% CI', 'samples/s', '× ref (alongside)', 'compile ms', 'measured', 'vs baseline'], ...rows], ['l', 'r', 'r', 'r', 'r', 'r', 'l', 'l']) + more,
  );
}

/** `baseline from <time>`, with the number of runs when it was made from several. */
export function baselineText(b: NonNullable<Verdict['baseline']>): string {
  return `baseline from ${b.createdFrom}${b.runs > 1 ? ` (${b.runs} runs)` : ''}`;
}

/**
 * The baseline's run-to-run spreads grouped by metric, one line each: how far each compiler's gated
 * quantities moved between runs of unchanged code, which is the least change the gate will call real.
 */
export function runToRunLines(spreads: Readonly<Record<string, number>>): string[] {
  const byMetric = new Map<string, string[]>();
  for (const [key, spread] of Object.entries(spreads).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const cut = key.indexOf('/');
    const metric = key.slice(0, cut);
    (byMetric.get(metric) ?? byMetric.set(metric, []).get(metric)!).push(`${key.slice(cut + 1)} ${formatSpread(key, spread)}`);
  }
  return [...byMetric].map(([metric, list]) => `- run-to-run spread in the baseline, ${metric} (the least change judged real): ${list.join(', ')}`);
}

function hardwareSection(run: RunResult, metrics: MetricsSummary, verdict: Verdict | null): string {
  const h = run.hardware;
  const lines = [
    `- hardware id: \`${h.id}\`${verdict?.baseline ? ` · ${baselineText(verdict.baseline)}` : verdict === null ? ' · not gated' : ' · no baseline for this hardware'}`,
    ...(verdict?.baseline ? runToRunLines(verdict.baseline.runToRun) : []),
    `- CPU: ${h.cpu.model}, ${h.cpu.cores} cores · memory ${(h.memoryBytes / 2 ** 30).toFixed(1)} GiB · ${h.os.platform} ${h.os.release} ${h.os.arch} · Node ${h.node}`,
    h.gpu ? `- GPU: ${h.gpu.vendor} ${h.gpu.description || h.gpu.device} (${h.gpu.architecture}), driver ${h.gpu.driver || 'unknown'}` : '- GPU: none used',
    `- runtimes: ${Object.entries(h.runtimes).map(([k, v]) => `${k} ${v}`).join(', ')}`,
    `- command: \`${run.commandLine.join(' ')}\``,
    verdict ? `- gate: ${verdict.settings.confidence * 100}% confidence, ${verdict.settings.resamples} bootstrap resamples, default threshold ${verdict.settings.defaultThreshold * 100}%` : '',
    ...metrics.notes.map((note) => `- note: ${note}`),
    ...(verdict?.notes ?? []).map((note) => `- gate note: ${note}`),
  ].filter((line) => line !== '');
  return details('Hardware and settings', lines.join('\n'));
}

/**
 * Renders the report. Tries the full report first, then ever more compact forms until it fits
 * `maxLength`; what a compact form leaves out is said in the report.
 */
export function renderMarkdown(input: MarkdownInput, options: MarkdownOptions = {}): string {
  const maxLength = options.maxLength ?? GITHUB_COMMENT_LIMIT;
  const { run, metrics, verdict } = input;
  const build = (compact: boolean, charts: boolean, caseLimit: number | null, note: string): string =>
    [
      COMMENT_MARKER,
      verdictLine(input),
      runLine(run),
      note,
      harnessErrorsSection(input.harnessErrors),
      problemsSection(verdict),
      reversalsSection(metrics, verdict),
      notMeasuredSection(run),
      frictionSection(metrics, compact),
      depthSection(metrics, compact),
      compileSection(metrics),
      charts ? chartsSection(run, metrics) : '',
      caseLimit === 0 ? '' : allCasesSection(run, metrics, verdict, caseLimit),
      hardwareSection(run, metrics, verdict),
    ]
      .filter((part) => part !== '')
      .join('\n\n') + '\n';

  const attempts: [boolean, boolean, number | null, string][] = [
    [false, true, null, ''],
    [true, true, null, '> Compact report: friction and depth tables show blocks at their largest depth and batch; the full report is `reports/bench.md` in the job\'s artifacts.'],
    [true, true, 150, '> Compact report: tables summarised and the case list shortened to stay under GitHub\'s comment limit; every case is in the results JSON.'],
    [true, false, 50, '> Compact report: charts, long tables and most of the case list left out to stay under GitHub\'s comment limit; every case is in the results JSON.'],
    [true, false, 0, '> Summary only: the full report did not fit GitHub\'s comment limit; every case is in the results JSON.'],
  ];
  for (const [compact, charts, limit, note] of attempts) {
    const text = build(compact, charts, limit, note);
    if (text.length <= maxLength) return text;
  }
  // Even the summary is too long (a huge list of failures): keep its head and say that it was cut.
  const summary = build(true, false, 0, '');
  const tail = `\n\n… (cut: the summary is ${summary.length} characters, over the ${maxLength}-character limit; every case is in the results JSON)\n`;
  return summary.slice(0, maxLength - tail.length) + tail;
}
