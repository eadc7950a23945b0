import type { OperatorContext } from '../operator.js';
import { PaneWindowOperator } from '../windows/pane-windows.js';
import type { WindowParams } from '../windows/window-operator-base.js';

/** `window.sliding {size, slide}`: windows of `size` starting every `slide`, aggregated per pane (see {@link PaneWindowOperator}). */
export class SlidingWindowOperator extends PaneWindowOperator {
  constructor(params: WindowParams & { size: string; slide: string }, ctx: OperatorContext) {
    super('window.sliding', params, ctx);
  }
}
