/** What the gate's checks share while judging one run. */
import type { SampleBank } from '../metrics/estimate.ts';
import type { BootstrapSettings } from '../stats/bootstrap.ts';
import type { GateConfig } from './config.ts';
import type { Problem } from './verdict.ts';

export interface State {
  readonly config: GateConfig;
  readonly settings: BootstrapSettings;
  readonly runBank: SampleBank;
  readonly baseBank: SampleBank;
  /** Keys completed in both, not stale: the only ones any comparison uses. */
  readonly comparable: Set<string>;
  readonly problems: Problem[];
  readonly notes: string[];
}

