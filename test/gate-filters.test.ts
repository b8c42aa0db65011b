import { describe, expect, it } from 'vitest';
import { isFilteredOut, isKeyFilteredOut, parseCaseKey, type FilterSubject } from '../src/gate/filters.ts';

const block: FilterSubject = { suite: 'blocks', modelId: 'resnet-basic', compilerId: 'ort-cpu-all', batch: 8, depth: 4, hardware: 'cpu' };
const archetype: FilterSubject = { suite: 'archetypes', modelId: 'vit-like', compilerId: 'ort-cpu-all', batch: 8, depth: null, hardware: 'cpu' };

describe('isFilteredOut', () => {
  it('filters nothing when the run had no filters', () => {
    expect(isFilteredOut(block, {})).toBe(false);
  });

  it('matches the recorded filters (comma lists)', () => {
    const f = { compiler: 'ort-cpu-all', block: 'resnet-basic', batch: '1,8', depth: '4' };
    expect(isFilteredOut(block, f)).toBe(false);
    expect(isFilteredOut({ ...block, batch: 2 }, f)).toBe(true);
    expect(isFilteredOut({ ...block, depth: 2 }, f)).toBe(true);
    expect(isFilteredOut({ ...block, compilerId: 'ort-cpu-basic' }, f)).toBe(true);
    expect(isFilteredOut(archetype, f)).toBe(true); // a block filter excludes archetypes
  });

  it('follows the harness: depth narrows block sweeps only; hardware all matches everything', () => {
    expect(isFilteredOut(archetype, { depth: '4' })).toBe(false);
    expect(isFilteredOut(archetype, { model: 'vit-like,cnn-like', hardware: 'cpu' })).toBe(false);
    expect(isFilteredOut({ ...archetype, hardware: 'gpu' }, { hardware: 'cpu' })).toBe(true);
    expect(isFilteredOut({ ...archetype, hardware: 'gpu' }, { hardware: 'all' })).toBe(false);
    expect(isFilteredOut(block, { compiler: 'ort-cpu-*' })).toBe(false);
  });

  it('knows every way of selecting cases: Vitest\'s name filter (-t) and file filters', () => {
    // `pnpm bench -t resnet-basic`: the other baseline cases are filtered out, not missing.
    expect(isFilteredOut(block, { name: 'resnet-basic' })).toBe(false);
    expect(isFilteredOut(archetype, { name: 'resnet-basic' })).toBe(true);
    expect(isFilteredOut(block, { name: 'b=8' })).toBe(false);
    expect(isFilteredOut(block, { name: '^blocks/resnet-basic/ort-cpu-all blocks/resnet-basic/ort-cpu-all/b=8/d=4$' })).toBe(false);
    expect(isFilteredOut(block, { name: '[' })).toBe(true); // not a pattern: conservatively filtered
    // `pnpm bench -- archetypes`: matched against the spec file's path.
    expect(isFilteredOut(archetype, { files: 'archetypes' })).toBe(false);
    expect(isFilteredOut(block, { files: 'archetypes' })).toBe(true);
    expect(isFilteredOut(block, { files: 'blocks/resnet-basic/,archetypes' })).toBe(false);
  });

  it('is conservative: unknown filter keys and unevaluable values count as filtered', () => {
    expect(isFilteredOut(block, { engine: 'mitata' })).toBe(true);
    expect(isFilteredOut(block, { batch: '1-16' })).toBe(true);
    const { hardware: _omit, ...noHardware } = block;
    expect(isFilteredOut(noHardware, { hardware: 'cpu' })).toBe(true);
  });

  it('works from keys', () => {
    expect(parseCaseKey('blocks/resnet-basic/ort-cpu-all/b=8/d=4')).toEqual({ ...block, hardware: undefined });
    expect(parseCaseKey('archetypes/vit-like/ort-cpu-disabled/b=8')).toMatchObject({ depth: null, compilerId: 'ort-cpu-disabled' });
    expect(isKeyFilteredOut('blocks/resnet-basic/ort-cpu-all/b=8/d=4', { batch: '8' })).toBe(false);
    expect(isKeyFilteredOut('not a key', { batch: '8' })).toBe(true);
    expect(isKeyFilteredOut('not a key', {})).toBe(false);
    expect(isFilteredOut('archetypes/vit-like/ort-cpu-all/b=8', { model: 'vit-like', depth: '4' })).toBe(false);
    expect(isFilteredOut('archetypes/vit-like/ort-cpu-all/b=8', { hardware: 'cpu' })).toBe(true); // hardware unknown from a key
  });
});
