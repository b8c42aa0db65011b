import { describe, expect, it } from 'vitest';
import { stopDecision } from '../src/harness/stopping.ts';

const options = { minTimeMs: 100, minSamples: 10, targetRelativeCi: 0.01, maxTimeMs: 1000 };

describe('stopDecision (adaptive sampling)', () => {
  const stable = Array.from({ length: 50 }, (_, i) => 10 + (i % 5) * 0.01); // within ±0.2%

  it('never stops before the minimum samples or time', () => {
    expect(stopDecision(stable.slice(0, 9), 500, options)).toBeNull();
    expect(stopDecision(stable, 99, options)).toBeNull();
  });

  it('stops a stable stream once the median CI is within the target', () => {
    expect(stopDecision(stable, 100, options)).toBe('ci-target');
  });

  it('keeps sampling a noisy stream until the time cap', () => {
    const noisy = Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? 10 : 13));
    expect(stopDecision(noisy, 500, options)).toBeNull();
    expect(stopDecision(noisy, 1000, options)).toBe('time-cap');
  });

  it('stops at minimum time and samples when adaptive sampling is off', () => {
    const off = { ...options, targetRelativeCi: null };
    const noisy = Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? 10 : 13));
    expect(stopDecision(noisy, 99, off)).toBeNull();
    expect(stopDecision(noisy, 100, off)).toBe('min-time');
  });

  it('narrows with more samples: 20 noisy samples are not enough, 2000 are', () => {
    // Uniform-ish values in [9.5, 10.5]: the median CI shrinks like 1/sqrt(n).
    const stream = (n: number) => Array.from({ length: n }, (_, i) => 9.5 + ((i * 7919) % 1000) / 1000);
    expect(stopDecision(stream(20), 200, options)).toBeNull();
    expect(stopDecision(stream(2000), 200, options)).toBe('ci-target');
  });
});
