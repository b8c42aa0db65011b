import { buildModel, BLOCK_IDS } from './fixtures/index.ts';
import { createTfjsAdapter } from './src/adapters/tfjs/adapter.ts';
import { createOrtWebAdapter } from './src/adapters/ort-web.ts';
import { OrtNodeAdapter } from './src/adapters/ort-node.ts';
import type { CompilerAdapter } from './src/adapters/types.ts';
import { SeededRandom } from './src/graph/random.ts';
const which = process.argv[2]!.split(',');
const fixtures = (process.argv[3] ?? 'resnet-like,mobilenetv2-like,vit-like').split(',');
const make = (id: string): CompilerAdapter => id.startsWith('tfjs') ? createTfjsAdapter(id as any) : id.startsWith('ort-wasm') ? createOrtWebAdapter(id as any) : new OrtNodeAdapter({ provider: 'cpu', optLevel: 'all', threads: Number(id.split('-t')[1] ?? 0) });
for (const fid of fixtures) {
  const model = buildModel(fid, (BLOCK_IDS as readonly string[]).includes(fid) ? { depth: 4 } : {});
  for (const id of which) {
    const a = make(id);
    const t0 = performance.now(); const c = await a.compile(model); const compileMs = performance.now() - t0;
    const row: string[] = [];
    for (const batch of [1, 8]) {
      const input = new SeededRandom('b').normals(batch * model.sampleShape.reduce((p, d) => p * d, 1), 1);
      const p = await c.prepare(input, batch);
      for (let i = 0; i < 3; i++) await p.run();
      const samples: number[] = [];
      const tEnd = performance.now() + 1500;
      while (samples.length < 5 || (performance.now() < tEnd && samples.length < 200)) { const s = performance.now(); await p.run(); samples.push(performance.now() - s); }
      samples.sort((x, y) => x - y);
      row.push(`b${batch} ${samples[samples.length >> 1]!.toFixed(2)} ms (n=${samples.length})`);
      await p.release();
    }
    await c.dispose();
    console.log(`${model.id.padEnd(18)} ${id.padEnd(20)} compile ${compileMs.toFixed(0).padStart(5)} ms  ${row.join('  ')}`);
  }
}
process.exit(0);
