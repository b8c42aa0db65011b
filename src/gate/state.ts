/** What the gate's checks share while judging one run. */
import type { Banks } from '../metrics/banks.ts';
import type { SampleBank } from '../metrics/estimate.ts';
import type { BootstrapSettings } from '../stats/bootstrap.ts';
import type { GateConfig } from './config.ts';
import type { Problem } from './verdict.ts';

export interface State {
  readonly config: GateConfig;
  readonly settings: BootstrapSettings;
  readonly run: Banks;
  /** The baseline's compact sample sets of the judged ratio (see `Banks.judged`). */
  readonly baseJudged: SampleBank;
  /** Case key → the reference compiler it was measured alongside (cases with one). */
  readonly referenceOf: ReadonlyMap<string, string>;
  /** Keys completed in both, not stale: the only ones any comparison uses. */
  readonly comparable: Set<string>;
  readonly problems: Problem[];
  readonly notes: string[];
}

