/** Number and duration formatting shared by the console, Markdown and HTML renderers. */
import type { MetricValue } from '../metrics/types.ts';

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?';
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes}m${String(seconds % 60).padStart(2, '0')}s`;
}

/** Milliseconds with 3 significant digits, e.g. `0.0123`, `1.23`, `123`. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms === 0) return '0';
  return ms >= 100 ? ms.toFixed(0) : ms.toPrecision(3);
}

export function formatRatio(ratio: number): string {
  return Number.isFinite(ratio) ? `${ratio.toFixed(2)}×` : '—';
}

export function formatPercent(fraction: number): string {
  if (!Number.isFinite(fraction)) return '—';
  const sign = fraction > 0 ? '+' : '';
  return `${sign}${(fraction * 100).toFixed(1)}%`;
}

export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return '—';
  const units: [number, string][] = [
    [1e12, 'T'],
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
  ];
  for (const [size, suffix] of units) if (Math.abs(n) >= size) return `${(n / size).toPrecision(3)}${suffix}`;
  return String(Math.round(n));
}

/** A number with 3 significant digits, large ones with a k/M suffix. */
export function formatNumber(x: number, digits = 3): string {
  return Math.abs(x) >= 1000 ? formatCount(x) : x.toPrecision(digits);
}

/** `1.23 [1.20, 1.26]`, or `— (reason)` for a metric without a value. */
export function formatValue(value: MetricValue, digits = 3): string {
  if (value.value === null) return `— (${value.reason})`;
  const fmt = (x: number): string => formatNumber(x, digits);
  return value.ci === null ? fmt(value.value) : `${fmt(value.value)} [${fmt(value.ci.lower)}, ${fmt(value.ci.upper)}]`;
}

/** Text shortened to at most `max` characters, ending in `…` when it was longer. */
export function brief(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, Math.max(1, max - 1)).trimEnd()}…`;
}

/** `1 case`, `2 cases`. */
export function plural(n: number, noun: string, many = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : many}`;
}
