import type { OperatorContext } from '../operator.js';
import { PaneWindowOperator } from '../windows/pane-windows.js';
import type { WindowParams } from '../windows/window-operator-base.js';

/**
 * `window.tumbling {size}`: fixed, non-overlapping windows aligned to the epoch, per key — a
 * sliding window whose slide is its size (one pane per window). See {@link PaneWindowOperator}
 * for firing, lateness and output order; each result carries timestamp end − 1.
 */
export class TumblingWindowOperator extends PaneWindowOperator {
  constructor(params: WindowParams & { size: string }, ctx: OperatorContext) {
    super('window.tumbling', { ...params, slide: params.size }, ctx);
  }
}
