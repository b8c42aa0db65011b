import { readFileSync, readdirSync } from 'node:fs';
import { validateWorkflow } from '@action-validator/core';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { COMMENT_MARKER } from '../src/report/markdown.ts';

const dir = '.github/workflows';
const files = readdirSync(dir).filter((f) => f.endsWith('.yml'));

interface Step {
  readonly uses?: string;
  readonly run?: string;
  readonly with?: Record<string, unknown>;
}
interface Job {
  readonly permissions?: Record<string, string> | string;
  readonly steps: readonly Step[];
}
interface Workflow {
  readonly on: Record<string, unknown>;
  readonly permissions?: Record<string, string> | string;
  readonly jobs: Record<string, Job>;
}

const workflow = (file: string): Workflow => parse(readFileSync(`${dir}/${file}`, 'utf8')) as Workflow;
const writes = (permissions: Job['permissions']): string[] =>
  permissions === undefined ? ['(inherits)'] : typeof permissions === 'string' ? (permissions.includes('write') ? [permissions] : []) : Object.entries(permissions).filter(([, v]) => v === 'write').map(([k]) => k);
/** A job runs the pull request's code when it checks out the event's head (the default ref) and runs anything from it. */
const runsPullRequestCode = (job: Job): boolean =>
  job.steps.some((s) => s.uses?.startsWith('actions/checkout') && (s.with?.ref === undefined || !String(s.with.ref).includes('base.sha'))) &&
  job.steps.some((s) => s.run !== undefined);

describe('GitHub Actions workflows', () => {
  it('exist', () => {
    expect(files).toEqual(expect.arrayContaining(['bench.yml', 'bench-comment.yml', 'baselines.yml']));
  });

  it.each(files)('%s validates against the GitHub Actions workflow schema', (file) => {
    const result = validateWorkflow(readFileSync(`${dir}/${file}`, 'utf8'));
    expect(result.errors).toEqual([]);
  });

  it('the validator does reject a broken workflow', () => {
    const result = validateWorkflow('on: pull_request\njobs:\n  measure:\n    runs-onn: ubuntu-latest\n');
    expect(result.errors.length).toBeGreaterThan(0);
  });

  it.each(files)('%s grants nothing by default and each job only what it needs', (file) => {
    const w = workflow(file);
    expect(w.permissions).toEqual({});
    for (const [name, job] of Object.entries(w.jobs)) expect(job.permissions, `${file}: ${name}`).toBeDefined();
  });

  it('no write token reaches a job that runs the pull request\'s code', () => {
    const bench = workflow('bench.yml');
    expect(Object.keys(bench.on)).toContain('pull_request');
    for (const [name, job] of Object.entries(bench.jobs)) {
      expect(writes(job.permissions), name).toEqual([]);
      for (const step of job.steps.filter((s) => s.uses?.startsWith('actions/checkout'))) expect(step.with?.['persist-credentials'], name).toBe(false);
    }
    expect(runsPullRequestCode(bench.jobs.measure as Job)).toBe(true);
    // The job that judges runs the base's code, with the base's config and baselines.
    expect(String((bench.jobs.report as Job).steps.find((s) => s.uses?.startsWith('actions/checkout'))?.with?.ref)).toContain('github.event.pull_request.base.sha');
  });

  it('the pull request is measured side by side with its merge base, and every machine must report', () => {
    const text = readFileSync(`${dir}/bench.yml`, 'utf8');
    expect(text).toContain('pnpm bench --profile quick --hardware ${{ matrix.hardware }} --compare ${{ steps.base.outputs.sha }}');
    expect(text).toContain('git merge-base');
    expect(text).toContain('results/base.json');
    expect(text).toContain('pnpm bench:report');
    const report = workflow('bench.yml').jobs.report as Job;
    expect(report.steps.some((s) => s.run?.includes('no results from machine'))).toBe(true);
  });

  it('the comment is posted from workflow_run, never running the pull request\'s code, and updates one comment found by the marker', () => {
    const w = workflow('bench-comment.yml');
    expect(Object.keys(w.on)).toEqual(['workflow_run']);
    const job = w.jobs.comment as Job;
    expect(writes(job.permissions)).toEqual(['pull-requests']);
    expect(job.steps.some((s) => s.uses?.startsWith('actions/checkout'))).toBe(false);
    expect(job.steps.some((s) => s.run !== undefined)).toBe(false);
    const text = readFileSync(`${dir}/bench-comment.yml`, 'utf8');
    expect(text).toContain(COMMENT_MARKER);
    expect(text).toContain('updateComment');
    expect(text).toContain('pr.head.sha !== context.payload.workflow_run.head_sha');
  });

  it('refreshing baselines writes only in the job that opens the pull request', () => {
    const w = workflow('baselines.yml');
    expect(writes((w.jobs.measure as Job).permissions)).toEqual([]);
    expect(writes((w.jobs['pull-request'] as Job).permissions).sort()).toEqual(['contents', 'pull-requests']);
  });
});
