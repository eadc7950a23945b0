import { expect, type Locator, type Page } from '@playwright/test';

/** Drags a palette item onto the canvas and returns the id of the node it created. */
export async function dropOperator(page: Page, kind: string, x: number, y: number): Promise<string> {
  const before = await page.locator('.react-flow__node').evaluateAll((els) => els.map((e) => e.getAttribute('data-id')));
  await page.getByTestId(`palette-item-${kind}`).dragTo(page.getByTestId('canvas'), { targetPosition: { x, y } });
  await expect(page.locator('.react-flow__node')).toHaveCount(before.length + 1);
  const after = await page.locator('.react-flow__node').evaluateAll((els) => els.map((e) => e.getAttribute('data-id')));
  const added = after.find((id) => !before.includes(id));
  expect(added, `a node for ${kind} was added`).toBeTruthy();
  return added!;
}

/** Drags an edge from one node's output handle to another's input handle. */
export async function connect(page: Page, from: string, to: string): Promise<void> {
  const edges = page.locator('.react-flow__edge');
  const count = await edges.count();
  await page.getByTestId(`handle-${from}-out`).dragTo(page.getByTestId(`handle-${to}-in`));
  await expect(edges).toHaveCount(count + 1);
}

/** Clicks a node and returns the inspector once it shows that node. */
export async function select(page: Page, nodeId: string): Promise<Locator> {
  await page.locator(`.react-flow__node[data-id="${nodeId}"]`).click();
  const inspector = page.getByTestId('inspector');
  await expect(inspector).toContainText(nodeId);
  return inspector;
}
