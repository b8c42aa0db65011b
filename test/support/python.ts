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

/** What the interpreter with torch has, from one probe (importing torch takes seconds). */
export interface TorchFacts {
  readonly version: string;
  readonly hasCompile: boolean;
  /** torch.version.cuda, null for a CPU-only build. */
  readonly cudaBuilt: string | null;
  readonly cudaAvailable: boolean;
}

export type Found =
  | { readonly python: string; readonly skip: ''; readonly torch: TorchFacts }
  | { readonly python: null; readonly skip: string; readonly torch: null };

const PROBE = [
  'import json, onnx, numpy, torch',
  'print(json.dumps({"version": torch.__version__, "hasCompile": hasattr(torch, "compile"), "cudaBuilt": torch.version.cuda, "cudaAvailable": torch.cuda.is_available()}))',
].join('\n');

let torchPython: Found | undefined;

/** The first interpreter with torch, onnx and numpy (GCB_PYTHON first when set), probed once. */
export function findTorchPython(): Found {
  if (torchPython !== undefined) return torchPython;
  const candidates = process.env.GCB_PYTHON ? [process.env.GCB_PYTHON, ...CANDIDATES] : CANDIDATES;
  for (const python of candidates) {
    const done = spawnSync(python, ['-c', PROBE], { encoding: 'utf8', timeout: 60_000 });
    if (done.status === 0) {
      torchPython = { python, skip: '', torch: JSON.parse(done.stdout.trim().split('\n').at(-1) as string) as TorchFacts };
      return torchPython;
    }
  }
  torchPython = { python: null, skip: ` [skipped: no Python with torch, onnx and numpy among ${candidates.join(', ')}]`, torch: null };
  return torchPython;
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
