/** Cells of the report model from metric values: formatted once, toned by the registered direction. */
import { METRICS, type MetricId } from '../metrics/registry.ts';
import type { MetricValue } from '../metrics/types.ts';
import { brief, formatNumber } from './format.ts';
import type { Cell, Column, Span, Text, TextCell, ValueCell } from './model.ts';

/** Longest text the short form shows of a reason, an error or a message. */
export const BRIEF_CHARS = 160;
/** Longest key the short form shows (keys are built from user-chosen model names). */
export const BRIEF_KEY_CHARS = 100;

/** Neutral value of comparative metrics: a CI entirely on one side of it is significant. */
const NEUTRAL_VALUE: Partial<Record<MetricId, number>> = {
  'batch-speedup': 1,
  'depth-speedup': 1,
  'depth-gain': 1,
  'per-block-speedup': 1,
  'geomean-speedup': 1,
  'friction-mitigation': 0,
};

/** `better`/`worse` when the CI excludes the neutral value, judged by the metric's registered direction. */
export function significance(value: MetricValue): 'better' | 'worse' | 'none' {
  const neutral = NEUTRAL_VALUE[value.metric];
  if (neutral === undefined || value.value === null || value.ci === null) return 'none';
  const direction = METRICS[value.metric].direction;
  if (direction === 'neutral') return 'none';
  const above = value.ci.lower > neutral;
  const below = value.ci.upper < neutral;
  if (!above && !below) return 'none';
  return above === (direction === 'higher-is-better') ? 'better' : 'worse';
}

export const note = (full: string): ValueCell['note'] => ({ brief: brief(full, BRIEF_CHARS), full });

/** A metric value with its CI, or — with the reason. `suffix` follows the number (e.g. `×`). */
export function valueCell(value: MetricValue, options: { digits?: number; fixed?: number; signed?: boolean; suffix?: string; flag?: string } = {}): ValueCell {
  const digits = options.digits ?? 3;
  const suffix = options.suffix ?? '';
  if (value.value === null) return { kind: 'value', text: '—', ci: null, value: null, metric: value.metric, tone: 'none', note: note(value.reason) };
  // `fixed`: decimals for quantities on a fixed scale (β runs from 0 to 1), where significant digits would mislead.
  const number = (x: number): string => {
    const text = options.fixed === undefined ? formatNumber(x, digits) : x.toFixed(options.fixed);
    return options.signed === true && x > 0 ? `+${text}` : text;
  };
  const fmt = (x: number): string => `${number(x)}${suffix}`;
  const ciNote = value.ci === null && 'ciNote' in value && value.ciNote !== undefined ? value.ciNote : null;
  return {
    kind: 'value',
    text: fmt(value.value),
    ci: value.ci === null ? null : `[${number(value.ci.lower)}, ${number(value.ci.upper)}]`,
    value: value.value,
    metric: value.metric,
    tone: options.flag !== undefined ? 'flag' : significance(value),
    note: options.flag !== undefined ? note(options.flag) : ciNote === null ? null : note(ciNote),
  };
}

/** A plain number as a value cell (no interval). */
export function numberCell(value: number | null, text: string, metric: MetricId | null = null, tone: ValueCell['tone'] = 'none', why: string | null = null): ValueCell {
  return { kind: 'value', text, ci: null, value, metric, tone, note: why === null ? null : note(why) };
}

export const text = (...spans: Span[]): Text => spans;
export const code = (value: string): Span => ({ code: value });
export const strong = (value: string): Span => ({ strong: value });

/** A key as code, shortened in the short form when absurdly long. */
export function keyCell(key: string): TextCell {
  const short = brief(key, BRIEF_KEY_CHARS);
  return short === key ? { kind: 'text', text: [code(key)] } : { kind: 'text', text: [code(key)], brief: [code(short)] };
}

/** Longest error message of a failed case the short form shows (the runtime's words matter there). */
export const BRIEF_ERROR_CHARS = 400;

/** Text that the short form shows shortened to `max` characters. */
export function longTextCell(value: string, tone?: TextCell['tone'], max = BRIEF_CHARS): TextCell {
  const short = brief(value, max);
  return { kind: 'text', text: [value], ...(short === value ? {} : { brief: [short] }), ...(tone === undefined ? {} : { tone }) };
}

export const textCell = (value: Text | string, tone?: TextCell['tone']): Cell =>
  ({ kind: 'text', text: typeof value === 'string' ? [value] : value, ...(tone === undefined ? {} : { tone }) });

export const emptyCell: Cell = { kind: 'text', text: [] };

/** A column named after a registered metric: its label, unit, direction and description as the tooltip. */
export function metricColumn(id: MetricId, header: Text | string, align: Column['align'] = 'right'): Column {
  const m = METRICS[id];
  const direction = m.direction === 'neutral' ? '' : ` (${m.direction.replace(/-/g, ' ')})`;
  return { header: typeof header === 'string' ? [header] : header, align, metric: id, title: `${m.label} [${m.unit}]${direction}: ${m.description}` };
}

export const column = (header: Text | string, align: Column['align'] = 'left', extra: Partial<Column> = {}): Column => ({
  header: typeof header === 'string' ? [header] : header,
  align,
  ...extra,
});
