// What the comparison panel's Experiments tab shows: the latest experiment of either kind.
import type { ScaleView } from './scaleReport';
import type { SweepView } from './sweepReport';

export type ExperimentView = SweepView | ScaleView;
