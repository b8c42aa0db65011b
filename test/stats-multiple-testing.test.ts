import { describe, expect, it } from 'vitest';
import { benjaminiHochberg, holm } from '../src/stats/multiple-testing.ts';

// Benjamini & Hochberg (1995), §4: 15 p-values from a study of myocardial infarction treatments.
const bh1995 = [0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459, 0.324, 0.4262, 0.5719, 0.6528, 0.759, 1.0];

describe('Benjamini–Hochberg', () => {
  it('the 1995 example at q = 0.05 rejects 4', () => {
    // p(4) = 0.0095 <= 4 · 0.05 / 15 = 0.01333; no larger i has p(i) <= i · 0.05 / 15.
    const r = benjaminiHochberg(bh1995, 0.05);
    expect(r.rejections).toBe(4);
    expect(r.tests.map((t) => t.rejected)).toEqual([true, true, true, true, ...Array<boolean>(11).fill(false)]);
    // R: p.adjust(p, "BH") (= scipy.stats.false_discovery_control).
    const expected = [
      0.0015, 0.003, 0.0095, 0.035625, 0.0603, 0.06385714285714286, 0.06385714285714286, 0.0645, 0.0765, 0.486, 0.5811818181818181, 0.714875,
      0.7532307692307693, 0.8132142857142857, 1,
    ];
    r.tests.forEach((t, i) => expect(t.adjusted).toBeCloseTo(expected[i] as number, 14));
  });

  it('keeps input order, is monotone in p and caps at 1', () => {
    const p = [0.04, 0.01, 0.03, 0.02, 0.9];
    const r = benjaminiHochberg(p, 0.05);
    // Sorted 0.01 0.02 0.03 0.04 0.9 → m p / i = 0.05 0.05 0.05 0.05 0.9 (cumulative minimum from the top).
    [0.05, 0.05, 0.05, 0.05, 0.9].forEach((q, i) => expect(r.tests[i]?.adjusted).toBeCloseTo(q, 15));
    expect(r.rejections).toBe(4);
    expect(benjaminiHochberg([0.6, 0.7], 0.05).tests.map((t) => t.adjusted)).toEqual([0.7, 0.7]);
    expect(benjaminiHochberg([], 0.05).rejections).toBe(0);
  });

  it('names a bad p-value or level', () => {
    expect(() => benjaminiHochberg([0.1, 1.2], 0.05)).toThrow(/p-value \[1\] must be in \[0, 1\], got 1.2/);
    expect(() => benjaminiHochberg([0.1], 0)).toThrow(/level must be in \(0, 1\), got 0/);
  });
});

describe('Holm', () => {
  it('the 1995 example at alpha = 0.05 rejects 3 (R: p.adjust(p, "holm"))', () => {
    const r = holm(bh1995, 0.05);
    expect(r.rejections).toBe(3);
    const expected = [0.0015, 0.0056, 0.0247, 0.114, 0.2211, 0.278, 0.278, 0.278, 0.3213, 1, 1, 1, 1, 1, 1];
    r.tests.forEach((t, i) => expect(t.adjusted).toBeCloseTo(expected[i] as number, 14));
  });

  it('in input order, step-down', () => {
    // Sorted 0.01 0.02 0.04 → 3·0.01, 2·0.02, max(0.04, 1·0.04) = 0.03 0.04 0.04.
    const r = holm([0.04, 0.01, 0.02], 0.05);
    expect(r.tests.map((t) => t.adjusted)).toEqual([0.04, 0.03, 0.04]);
    expect(r.rejections).toBe(3);
  });
});
