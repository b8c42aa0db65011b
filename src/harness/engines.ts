/** Engine by name; engines load lazily so a run pays only for the one it uses. */
import type { MeasuringEngine } from './engine.ts';
import type { EngineName } from '../selection.ts';

export async function createEngine(name: EngineName): Promise<MeasuringEngine> {
  switch (name) {
    case 'tinybench': {
      const { TinybenchEngine } = await import('./tinybench-engine.ts');
      return new TinybenchEngine();
    }
    case 'mitata': {
      const { MitataEngine } = await import('./mitata-engine.ts');
      return new MitataEngine();
    }
  }
}
