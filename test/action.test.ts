/**
 * The composite action (action.yml): it validates against the schema of GitHub actions, and its shell
 * steps do what they say when run — here with bash, in a scratch git repository, and with the bench
 * command replaced by a stub that records its arguments.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateAction } from '@action-validator/core';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

interface ActionStep {
  readonly name: string;
  readonly id?: string;
  readonly if?: string;
  readonly run?: string;
  readonly uses?: string;
  readonly env?: Record<string, string>;
}
const text = readFileSync('action.yml', 'utf8');
const action = parse(text) as { runs: { using: string; steps: ActionStep[] }; inputs: Record<string, { default: string }> };
const step = (name: string): ActionStep => {
  const found = action.runs.steps.find((s) => s.name === name);
  if (found === undefined) throw new Error(`action.yml has no step "${name}"`);
  return found;
};

const scratch = mkdtempSync(join(tmpdir(), 'gcb-action-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const GIT_ENV = { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' };
const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, ...GIT_ENV } }).trim();

/** Runs a step's script with bash, its env set, and returns what it wrote to $GITHUB_OUTPUT. */
function runStep(s: ActionStep, cwd: string, env: Record<string, string>, path = process.env.PATH ?? ''): { code: number | null; outputs: Record<string, string>; stdout: string } {
  const output = join(scratch, `output-${Math.random().toString(36).slice(2)}`);
  writeFileSync(output, '');
  const result = spawnSync('bash', ['-e', '-c', s.run ?? ''], { cwd, encoding: 'utf8', env: { ...process.env, PATH: path, GITHUB_OUTPUT: output, ...env } });
  const outputs = Object.fromEntries(readFileSync(output, 'utf8').trim().split('\n').filter((l) => l !== '').map((l) => l.split(/=(.*)/s).slice(0, 2) as [string, string]));
  return { code: result.status, outputs, stdout: result.stdout };
}

describe('the composite action', () => {
  it('validates against the schema of GitHub actions, and runs as a composite of shell steps', () => {
    expect(validateAction(text).errors).toEqual([]);
    expect(action.runs.using).toBe('composite');
    expect(action.inputs.profile?.default).toBe('quick');
  });

  it('finds the pull request\'s merge base, or takes the ref it is given', () => {
    const repo = join(scratch, 'repo');
    mkdirSync(repo);
    git(repo, 'init', '-q', '-b', 'main');
    writeFileSync(join(repo, 'a'), '1');
    git(repo, 'add', '.');
    git(repo, 'commit', '-qm', 'base');
    const base = git(repo, 'rev-parse', 'HEAD');
    git(repo, 'update-ref', 'refs/remotes/origin/main', base);
    git(repo, 'checkout', '-qb', 'feature');
    writeFileSync(join(repo, 'a'), '2');
    git(repo, 'commit', '-qam', 'change');
    const merge = runStep(step('Merge base'), repo, { COMPARE: '', BASE_REF: 'main' });
    expect(merge.code).toBe(0);
    expect(merge.outputs.ref).toBe(base);
    expect(runStep(step('Merge base'), repo, { COMPARE: 'v1.2', BASE_REF: 'main' }).outputs.ref).toBe('v1.2');
    // No such branch (a fork's first run, a shallow clone): empty, and the committed baseline judges.
    const none = runStep(step('Merge base'), repo, { COMPARE: '', BASE_REF: 'nope' });
    expect(none.outputs.ref).toBe('');
    expect(none.stdout).toContain('the committed baseline');
  });

  it('runs the bench side by side with the base, keeps going to upload, and fails afterwards when the gate failed', () => {
    const bin = join(scratch, 'bin');
    mkdirSync(bin);
    const log = join(scratch, 'npx-args');
    writeFileSync(join(bin, 'npx'), `#!/usr/bin/env bash\necho "$@" > ${log}\nexit 1\n`);
    chmodSync(join(bin, 'npx'), 0o755);
    const path = `${bin}:${process.env.PATH ?? ''}`;
    const bench = runStep(step('Benchmark side by side with the base'), scratch, { REF: 'abc123', PROFILE: 'quick', HARDWARE: 'cpu', ARGS: '--model my-net' }, path);
    expect(bench.code).toBe(0);
    expect(bench.outputs['exit-code']).toBe('1');
    expect(readFileSync(log, 'utf8').trim()).toBe('--no-install graph-compiler-bench bench --profile quick --hardware cpu --compare abc123 --model my-net');
    const alone = runStep(step('Benchmark side by side with the base'), scratch, { REF: '', PROFILE: 'quick', HARDWARE: 'gpu', ARGS: '' }, path);
    expect(alone.code).toBe(0);
    expect(readFileSync(log, 'utf8').trim()).toBe('--no-install graph-compiler-bench bench --profile quick --hardware gpu');
    const failing = step('Fail when the gate failed');
    expect(failing.if).toBe("steps.bench.outputs.exit-code != '0'");
    expect(runStep(failing, scratch, { CODE: '1' }).code).toBe(1);
    expect(step('Upload results and report').uses).toBe('actions/upload-artifact@v4');
  });
});
