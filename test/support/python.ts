/**
 * Finding the Python interpreters the worker tests need: one with torch, onnx and numpy (CI installs
 * Debian's python3-torch and python3-onnx), and, for the "torch missing" test, one without torch.
 * Tests that need one and find none skip, saying so in their name.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sharedPythonWorker } from '../../src/worker/python.ts';

const CANDIDATES = ['python3', '/usr/bin/python3'];

function imports(python: string, code: string): boolean {
  const done = spawnSync(python, ['-c', code], { encoding: 'utf8', timeout: 60_000 });
  return done.status === 0;
}

export type Found = { readonly python: string; readonly skip: '' } | { readonly python: null; readonly skip: string };

let torchPython: Found | undefined;

/** The first interpreter with torch, onnx and numpy (GCB_PYTHON first when set). */
export function findTorchPython(): Found {
  if (torchPython !== undefined) return torchPython;
  const candidates = process.env.GCB_PYTHON ? [process.env.GCB_PYTHON, ...CANDIDATES] : CANDIDATES;
  const python = candidates.find((p) => imports(p, 'import torch, onnx, numpy'));
  torchPython =
    python === undefined
      ? { python: null, skip: ` [skipped: no Python with torch, onnx and numpy among ${candidates.join(', ')}]` }
      : { python, skip: '' };
  return torchPython;
}

/** Whether the torch of `python` has torch.compile. */
export function hasTorchCompile(python: string): boolean {
  return imports(python, 'import torch, sys; sys.exit(0 if hasattr(torch, "compile") else 1)');
}

/**
 * An interpreter without torch: a real one when the machine has it (the pyenv python3 here), else
 * `python` with a `torch` package on PYTHONPATH that fails to import exactly as a missing one does.
 */
export function pythonWithoutTorch(fallback: string): { python: string; pythonPath: string | null; label: string } {
  const real = CANDIDATES.find((p) => imports(p, 'import numpy') && !imports(p, 'import torch'));
  if (real !== undefined) return { python: real, pythonPath: null, label: `${real} (no torch installed)` };
  const dir = mkdtempSync(join(tmpdir(), 'gcb-no-torch-'));
  mkdirSync(join(dir, 'torch'));
  writeFileSync(join(dir, 'torch', '__init__.py'), "raise ModuleNotFoundError(\"No module named 'torch'\", name='torch')\n");
  return { python: fallback, pythonPath: dir, label: `${fallback} with torch hidden` };
}

/** Runs `body` with environment variables set (undefined: removed) and a fresh shared worker before and after. */
export async function withEnv<T>(vars: Readonly<Record<string, string | undefined>>, body: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const apply = (values: Readonly<Record<string, string | undefined>>) => {
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  await sharedPythonWorker.reset();
  apply(vars);
  try {
    return await body();
  } finally {
    apply(saved);
    await sharedPythonWorker.reset();
  }
}
