// The Vitest project `graph-compiler-bench bench` runs: spec files under benches/, one file and one case
// at a time. To keep your own tests here too: defineBenchConfig({ projects: [{ test: { name: 'unit', ... } }] }).
import { defineBenchConfig } from 'graph-compiler-bench/vitest-preset';

export default defineBenchConfig();
