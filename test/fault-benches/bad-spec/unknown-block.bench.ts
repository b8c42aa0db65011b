/** Test-only: a spec file with a typo in its block id. The run must fail and list the valid ids. */
import { benchSpec } from '../../../src/spec.ts';
import { tinyMeasure } from '../common.ts';

benchSpec({ model: 'plain-cnov', compiler: 'ort-cpu-all', batches: [1], depths: [1], measure: tinyMeasure() });
