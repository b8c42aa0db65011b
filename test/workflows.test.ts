import { readFileSync, readdirSync } from 'node:fs';
import { validateWorkflow } from '@action-validator/core';
import { describe, expect, it } from 'vitest';
import { COMMENT_MARKER } from '../src/report/markdown.ts';

const dir = '.github/workflows';
const files = readdirSync(dir).filter((f) => f.endsWith('.yml'));

describe('GitHub Actions workflows', () => {
  it('exist', () => {
    expect(files).toEqual(expect.arrayContaining(['bench.yml', 'baselines.yml']));
  });

  it.each(files)('%s validates against the GitHub Actions workflow schema', (file) => {
    const result = validateWorkflow(readFileSync(`${dir}/${file}`, 'utf8'));
    expect(result.errors).toEqual([]);
  });

  it('the validator does reject a broken workflow', () => {
    const result = validateWorkflow('on: pull_request\njobs:\n  measure:\n    runs-onn: ubuntu-latest\n');
    expect(result.errors.length).toBeGreaterThan(0);
  });

  it('the pull-request job updates one comment found by the report marker', () => {
    const text = readFileSync(`${dir}/bench.yml`, 'utf8');
    expect(text).toContain(COMMENT_MARKER);
    expect(text).toContain('updateComment');
    expect(text).toContain('pnpm bench --profile quick');
    expect(text).toContain('pnpm bench:report');
  });
});
