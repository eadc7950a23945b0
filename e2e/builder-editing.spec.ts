import { E2E_TOKEN } from '../playwright.config';
import { expect, test, type Page } from '@playwright/test';

const nodes = (page: Page) => page.locator('.react-flow__node');
const edges = (page: Page) => page.locator('.react-flow__edge');

/** Drags a palette item onto the canvas and returns the id of the node it created. */
async function dropOperator(page: Page, kind: string, x: number, y: number): Promise<string> {
  const before = await nodes(page).evaluateAll((els) => els.map((e) => e.getAttribute('data-id')));
  await page.getByTestId(`palette-item-${kind}`).dragTo(page.getByTestId('canvas'), { targetPosition: { x, y } });
  await expect(nodes(page)).toHaveCount(before.length + 1);
  const after = await nodes(page).evaluateAll((els) => els.map((e) => e.getAttribute('data-id')));
  const added = after.find((id) => !before.includes(id));
  expect(added, `a node for ${kind} was added`).toBeTruthy();
  return added!;
}

async function connect(page: Page, from: string, to: string): Promise<void> {
  const count = await edges(page).count();
  await page.getByTestId(`handle-${from}-out`).dragTo(page.getByTestId(`handle-${to}-in`));
  await expect(edges(page)).toHaveCount(count + 1);
}

/** A node's position on the canvas (flow coordinates, from React Flow's transform). */
async function nodeXY(page: Page, id: string): Promise<{ x: number; y: number }> {
  const t = await page.locator(`.react-flow__node[data-id="${id}"]`).evaluate((el) => (el as HTMLElement).style.transform);
  const m = /translate\(([-\d.]+)px, ?([-\d.]+)px\)/.exec(t);
  expect(m, `transform of ${id}: ${t}`).toBeTruthy();
  return { x: Number(m![1]), y: Number(m![2]) };
}

/** Keyboard shortcuts go to the canvas, not to a text field. */
async function focusCanvas(page: Page): Promise<void> {
  await page.locator('.react-flow__pane').click({ position: { x: 20, y: 20 } });
}

test('edit on the canvas: palette search, undo/redo, a drag as one step, copy/paste, auto-layout, autocomplete, theme', async ({ page }) => {
  await page.goto(`/?token=${E2E_TOKEN}`);
  await expect(nodes(page)).toHaveCount(5);
  await page.getByTestId('new-button').click();
  await expect(nodes(page)).toHaveCount(0);

  // Palette search narrows the groups and items.
  const search = page.getByTestId('palette-search');
  await search.fill('session');
  await expect(page.getByTestId('palette-item-window.session')).toBeVisible();
  await expect(page.getByTestId('palette-item-window.tumbling')).toHaveCount(0);
  await expect(page.getByTestId('palette-item-filter')).toHaveCount(0);
  await expect(page.getByTestId('palette-group')).toHaveCount(1);
  await search.fill('');
  await expect(page.getByTestId('palette-item-filter')).toBeVisible();

  // Built right to left on purpose: the filter sits left of its source.
  const filter = await dropOperator(page, 'filter', 150, 120);
  const source = await dropOperator(page, 'source.datagen', 520, 300);
  await connect(page, source, filter);

  // Undo/redo with the header buttons: connect, then the second add.
  await page.getByTestId('undo-button').click();
  await expect(edges(page)).toHaveCount(0);
  await page.getByTestId('undo-button').click();
  await expect(nodes(page)).toHaveCount(1);
  await page.getByTestId('redo-button').click();
  await page.getByTestId('redo-button').click();
  await expect(nodes(page)).toHaveCount(2);
  await expect(edges(page)).toHaveCount(1);
  await expect(page.getByTestId('redo-button')).toBeDisabled();

  // …and with the keyboard.
  await focusCanvas(page);
  await page.keyboard.press('Control+z');
  await expect(edges(page)).toHaveCount(0);
  await page.keyboard.press('Control+Shift+z');
  await expect(edges(page)).toHaveCount(1);
  await page.keyboard.press('Control+z');
  await page.keyboard.press('Control+y');
  await expect(edges(page)).toHaveCount(1);

  // A drag is one undo step, however many moves it made; selecting is no step at all.
  const start = await nodeXY(page, source);
  const box = (await page.locator(`.react-flow__node[data-id="${source}"]`).boundingBox())!;
  await page.mouse.move(box.x + 30, box.y + 15);
  await page.mouse.down();
  for (let i = 1; i <= 8; i++) await page.mouse.move(box.x + 30 + i * 10, box.y + 15 + i * 5);
  await page.mouse.up();
  const moved = await nodeXY(page, source);
  expect(moved.x).toBeGreaterThan(start.x + 40);
  await page.locator(`.react-flow__node[data-id="${filter}"]`).click();
  await focusCanvas(page);
  await page.keyboard.press('Control+z');
  await expect.poll(() => nodeXY(page, source)).toEqual(start);
  await expect(edges(page)).toHaveCount(1);
  await page.keyboard.press('Control+Shift+z');
  await expect.poll(() => nodeXY(page, source)).toEqual(moved);

  // Multi-select with shift-click, copy and paste: fresh ids and the edge between them.
  await page.locator(`.react-flow__node[data-id="${source}"]`).click();
  await page.locator(`.react-flow__node[data-id="${filter}"]`).click({ modifiers: ['Shift'] });
  await expect(page.getByTestId('selection-inspector')).toContainText('2 nodes');
  await page.keyboard.press('Control+c');
  await page.keyboard.press('Control+v');
  await expect(nodes(page)).toHaveCount(4);
  await expect(edges(page)).toHaveCount(2);
  await expect(page.locator('.react-flow__node[data-id="source_datagen_2"]')).toHaveCount(1);
  await expect(page.locator('.react-flow__node[data-id="filter_2"]')).toHaveCount(1);
  const pasted = await nodeXY(page, 'source_datagen_2');
  expect(pasted.x).toBeGreaterThan(moved.x);

  // Delete removes a node with its edge; one undo brings both back.
  await focusCanvas(page); // clears the selection of the pasted pair
  await page.locator('.react-flow__node[data-id="filter_2"]').click();
  await page.keyboard.press('Delete');
  await expect(nodes(page)).toHaveCount(3);
  await expect(edges(page)).toHaveCount(1);
  await page.keyboard.press('Control+z');
  await expect(nodes(page)).toHaveCount(4);
  await expect(edges(page)).toHaveCount(2);

  // Auto-layout puts every source left of the filter it feeds; undo puts them back.
  expect((await nodeXY(page, source)).x).toBeGreaterThan((await nodeXY(page, filter)).x);
  await page.getByTestId('layout-button').click();
  await expect.poll(async () => (await nodeXY(page, filter)).x - (await nodeXY(page, source)).x).toBeGreaterThan(150);
  expect((await nodeXY(page, 'filter_2')).x).toBeGreaterThan((await nodeXY(page, 'source_datagen_2')).x);
  await page.getByTestId('undo-button').click();
  await expect.poll(() => nodeXY(page, source)).toEqual(moved);
  await page.getByTestId('redo-button').click();

  // Expression autocomplete: input fields and functions under the input, keyboard to pick.
  await page.locator(`.react-flow__node[data-id="${filter}"]`).click();
  const expr = page.getByTestId('inspector').getByTestId('param-expr');
  await expr.fill('');
  await expr.pressSequentially('event_t');
  await expect(page.getByTestId('autocomplete-option').first()).toContainText('event_type');
  await expr.press('Enter');
  await expect(expr).toHaveValue('event_type');
  await expr.pressSequentially(".sta");
  await expect(page.getByTestId('autocomplete-option').first()).toContainText('startsWith');
  await expr.press('Tab');
  await expect(expr).toHaveValue('event_type.startsWith(');
  await expr.pressSequentially("'pur') && pr");
  await expect(page.getByTestId('autocomplete-option')).toHaveText([/product_id/, /price/]);
  await expr.press('ArrowDown');
  await expr.press('Enter');
  await expect(expr).toHaveValue("event_type.startsWith('pur') && price");
  await expect(page.getByTestId('param-error-expr')).toBeVisible(); // a double is not a bool
  await expr.pressSequentially(' > 10.0');
  await expect(page.getByTestId('param-error-expr')).toHaveCount(0);
  await expr.press('Escape');
  await expect(page.getByTestId('autocomplete-list')).toHaveCount(0);

  // The node shows its output fields.
  await page.getByTestId(`node-fields-toggle-${filter}`).click();
  await expect(page.getByTestId(`node-fields-${filter}`)).toContainText('price');

  // Theme toggle, persisted across a reload.
  const html = page.locator('html');
  await expect(html).toHaveAttribute('data-theme', 'light');
  await page.getByTestId('theme-button').click();
  await expect(html).toHaveAttribute('data-theme', 'dark');
  await expect(page.locator('.react-flow')).toHaveClass(/dark/);
  await page.reload();
  await expect(html).toHaveAttribute('data-theme', 'dark');
  await page.getByTestId('theme-button').click();
  await expect(html).toHaveAttribute('data-theme', 'light');
});

test('clicking a problem selects its node and centres the view on it', async ({ page }) => {
  await page.goto(`/?token=${E2E_TOKEN}`);
  await expect(nodes(page)).toHaveCount(5);
  await page.locator('.react-flow__node[data-id="preview"]').click();
  await page.getByTestId('inspector').getByTestId('param-limit').fill('0');
  await page.locator('.react-flow__pane').click({ position: { x: 20, y: 20 } });
  // Pan far away so that the node is off screen.
  for (let i = 0; i < 3; i++) await page.locator('.react-flow__pane').dragTo(page.locator('.react-flow__pane'), { sourcePosition: { x: 800, y: 300 }, targetPosition: { x: 50, y: 300 } });
  const canvas = (await page.getByTestId('canvas').boundingBox())!;
  const node = page.locator('.react-flow__node[data-id="preview"]');
  await page.getByTestId('validation-item').first().click();
  await expect(page.getByTestId('inspector')).toContainText('preview');
  await expect
    .poll(async () => {
      const b = (await node.boundingBox())!;
      return Math.abs(b.x + b.width / 2 - (canvas.x + canvas.width / 2));
    })
    .toBeLessThan(20);
});
