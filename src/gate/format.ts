/** Number formatting shared by the gate's messages. */
import type { MetricValue } from '../metrics/types.ts';

export const ms = (v: number): string => `${v.toPrecision(4)} ms`;
export const pct = (v: number): string => `${(v * 100).toFixed(1)}%`;
export const signed = (v: number, digits = 3): string => `${v >= 0 ? '+' : ''}${v.toFixed(digits)}`;
export const ciText = (v: MetricValue, format: (x: number) => string = (x) => x.toFixed(3)): string =>
  v.value !== null && v.ci !== null ? `${Math.round(v.ci.level * 1000) / 10}% CI ${format(v.ci.lower)} to ${format(v.ci.upper)}` : 'no CI';
export const ciPair = (v: MetricValue): [number, number] | null => (v.value !== null && v.ci !== null ? [v.ci.lower, v.ci.upper] : null);
export const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

