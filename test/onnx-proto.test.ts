import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const VENDORED = 'src/graph/onnx-proto/onnx_pb.ts';

describe('vendored ONNX protobuf code', () => {
  it('is exactly what `pnpm proto` generates from the vendored onnx.proto', () => {
    const out = mkdtempSync(join(tmpdir(), 'gcb-proto-'));
    try {
      // `buf generate -o DIR` puts each plugin's `out` under DIR; the plugin is the local protoc-gen-es.
      execFileSync('node_modules/.bin/buf', ['generate', '-o', out], {
        env: { ...process.env, PATH: `${join(process.cwd(), 'node_modules/.bin')}:${process.env.PATH ?? ''}` },
        stdio: 'pipe',
      });
      expect(readFileSync(join(out, VENDORED), 'utf8')).toBe(readFileSync(VENDORED, 'utf8'));
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('is generated from ONNX 1.20 (IR version 12 is its newest published one, 13 the one in the making)', async () => {
    const { Version } = await import('../src/graph/onnx-proto/onnx_pb.ts');
    expect(Version.IR_VERSION_2025_08_26).toBe(12);
    expect(Version.IR_VERSION).toBe(13);
  });
});
