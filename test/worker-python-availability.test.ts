/**
 * What the Python compilers say when they cannot run: no Python at all, a Python without torch, a torch
 * without torch.compile (Debian's torch 1.13), no CUDA device; and that the default discovery passes
 * over a python3 without any usable compiler for /usr/bin/python3.
 */
import { describe, expect, it } from 'vitest';
import { createAdapter } from '../src/adapters/registry.ts';
import { findTorchPython, pythonWithoutTorch, withEnv } from './support/python.ts';
import { spawnSync } from 'node:child_process';

const found = findTorchPython();

function resolved(python: string): string {
  const done = spawnSync(python, ['-c', 'import sys, platform; print(sys.executable + " (Python " + platform.python_version() + ")")'], { encoding: 'utf8' });
  return done.stdout.trim();
}


describe('python compilers, unavailable with the reason', () => {
  it('no Python: GCB_PYTHON names an interpreter that does not exist', async () => {
    await withEnv({ GCB_PYTHON: '/nonexistent/python3' }, async () => {
      const adapter = await createAdapter('torch-eager-cpu');
      expect(await adapter.versions()).toEqual({});
      expect(await adapter.availability()).toEqual({
        available: false,
        reason:
          'no Python could run the worker (tried GCB_PYTHON=/nonexistent/python3): /nonexistent/python3 (python worker (/nonexistent/python3) could not be started: spawn /nonexistent/python3 ENOENT (while answering hello))',
      });
      // Every Python compiler gives the same reason, and no compiler call crashes.
      expect((await (await createAdapter('torch-eager-cuda')).availability()).available).toBe(false);
      expect(await (await createAdapter('torch-eager-cuda')).gpuInfo?.()).toBeNull();
    });
  });

  it.skipIf(found.python === null)(`no torch: the worker runs and names the missing package${found.skip}`, async () => {
    const without = pythonWithoutTorch(found.python as string);
    const pythonPath = without.pythonPath ?? undefined;
    await withEnv({ GCB_PYTHON: without.python, PYTHONPATH: pythonPath }, async () => {
      const label = resolved(without.python);
      for (const id of ['torch-eager-cpu', 'torch-inductor-cpu', 'torch-eager-cuda', 'torch-cudagraphs-cuda-e2e']) {
        expect(await (await createAdapter(id)).availability(), `${id} under ${without.label}`).toEqual({
          available: false,
          reason: `torch is not installed for ${label}`,
        });
      }
      expect(await (await createAdapter('tensorrt-cuda')).availability()).toMatchObject({ available: false });
    });
  });

  const noCompile = found.torch !== null && !found.torch.hasCompile;
  it.skipIf(!noCompile)(
    `torch without torch.compile: torch-inductor-cpu is unavailable, torch-eager-cpu runs${noCompile ? '' : ' [skipped: the torch found has torch.compile]'}`,
    async () => {
      await withEnv({ GCB_PYTHON: found.python as string }, async () => {
        expect(await (await createAdapter('torch-inductor-cpu')).availability()).toEqual({
          available: false,
          reason: `torch ${found.torch?.version} has no torch.compile (needs torch ≥ 2.0)`,
        });
        expect(await (await createAdapter('torch-eager-cpu')).availability()).toEqual({ available: true });
      });
    },
  );

  it.skipIf(found.python === null)(`no CUDA device: the GPU compilers say so, the TensorRT one always${found.skip}`, async () => {
    await withEnv({ GCB_PYTHON: found.python as string }, async () => {
      const available = found.torch?.cudaAvailable === true;
      const reason = await (await createAdapter('torch-eager-cuda')).availability();
      if (available) {
        expect(reason).toEqual({ available: true });
      } else if (found.torch?.cudaBuilt === null) {
        expect(reason).toEqual({ available: false, reason: `torch ${found.torch?.version} is built without CUDA: there is no CUDA device for it` });
      } else {
        expect(reason).toMatchObject({ available: false, reason: expect.stringContaining('sees no CUDA device') });
      }
      const tensorrt = await (await createAdapter('tensorrt-cuda')).availability();
      expect(tensorrt.available).toBe(false);
      expect(await (await createAdapter('torch-eager-cuda')).gpuInfo?.()).toEqual(available ? expect.objectContaining({ vendor: 'nvidia' }) : null);
    });
  });

  it.skipIf(found.python !== '/usr/bin/python3' || pythonWithoutTorch('/usr/bin/python3').pythonPath !== null)(
    'discovery passes over a python3 without torch for /usr/bin/python3 [runs where PATH has such a python3]',
    async () => {
      await withEnv({ GCB_PYTHON: undefined }, async () => {
        const adapter = await createAdapter('torch-eager-cpu');
        expect(await adapter.availability()).toEqual({ available: true });
        expect((await adapter.versions()).torch).toBe(found.torch?.version);
        const inductor = await (await createAdapter('torch-inductor-cpu')).availability();
        expect(inductor.available ? '' : inductor.reason).toContain('(passed over: python3 (no compiler available there))');
      });
    },
  );
});
