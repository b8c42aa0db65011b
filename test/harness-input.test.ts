/** The inputs a case is fed: float16 bit patterns that round-trip, each input from its own seed. */
import { describe, expect, it } from 'vitest';
import { deterministicFeeds, float16Bits, float16Value } from '../src/harness/input.ts';

describe('float16 inputs', () => {
  it('round-trips exactly representable values and rounds others to the nearest half', () => {
    for (const v of [0, 1, -2, 0.5, 65504, -(2 ** -14), 2 ** -24]) expect(float16Value(float16Bits(v))).toBe(v);
    expect(float16Bits(1)).toBe(0x3c00);
    expect(float16Bits(70000)).toBe(0x7c00);
    expect(Math.abs(float16Value(float16Bits(0.1)) - 0.1)).toBeLessThan(1e-4);
  });

  it('feeds a float16 input as Uint16Array bit patterns of normal values', () => {
    const [feed] = deterministicFeeds([{ name: 'x', dtype: 'float16', sampleShape: [64], values: { kind: 'normal' } }], 2);
    expect(feed?.dims).toEqual([2, 64]);
    expect(feed?.data).toBeInstanceOf(Uint16Array);
    const values = [...(feed?.data as Uint16Array)].map(float16Value);
    expect(values.every(Number.isFinite)).toBe(true);
    expect(Math.max(...values.map(Math.abs))).toBeGreaterThan(1);
  });

  it('draws each input from its own seed: adding an input leaves the others as they were', () => {
    const ids = { name: 'ids', dtype: 'int32', sampleShape: [8], values: { kind: 'integers', min: 0, max: 99 } } as const;
    const [alone] = deterministicFeeds([ids], 3);
    const [first] = deterministicFeeds([ids, { name: 'mask', dtype: 'int64', sampleShape: [8], values: { kind: 'mask' } }], 3);
    expect(first?.data).toEqual(alone?.data);
  });
});
