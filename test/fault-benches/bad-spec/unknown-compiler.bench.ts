/** Test-only: a spec file with a typo in its compiler id. The run must fail and list the valid ids. */
import { benchSpec } from '../../../src/spec.ts';
import { tinyMeasure } from '../common.ts';

benchSpec({ model: 'plain-conv', compiler: 'ort-cpu-al', batches: [1], depths: [1], measure: tinyMeasure() });
