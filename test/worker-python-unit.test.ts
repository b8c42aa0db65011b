/**
 * The Python worker's own unit tests (workers/python/tests: protocol framing, the converter op by op
 * against numpy, unsupported operators), run with the interpreter that has torch, so that `pnpm test`
 * covers them.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { findTorchPython } from './support/python.ts';

const found = findTorchPython();

describe.skipIf(found.python === null)(`workers/python unit tests${found.skip}`, () => {
  it('pass under python -m unittest', () => {
    const done = spawnSync(found.python as string, ['-m', 'unittest', 'discover', '-s', 'workers/python/tests'], {
      encoding: 'utf8',
      timeout: 300_000,
    });
    // unittest reports on stderr: "Ran N tests" and "OK" (with skips, if any) or "FAILED (...)".
    const summary = done.stderr.split('\n').filter((line) => /^(Ran \d+ tests|OK|FAILED)/.test(line));
    expect(done.status, done.stderr.slice(-4000)).toBe(0);
    expect(summary.at(-1)).toMatch(/^OK/);
    expect(Number(/Ran (\d+) tests/.exec(summary.join('\n'))?.[1])).toBeGreaterThanOrEqual(45);
  }, 300_000);
});
