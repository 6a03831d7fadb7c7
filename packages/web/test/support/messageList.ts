// What the open chat's message list shows, read from the DOM (the list is virtualized).
import type { Locator, Page } from 'playwright-core';

export const scroller = (page: Page) => page.locator('.message-scroller');

/** The seqs of the rows in the DOM, top to bottom. */
export const renderedSeqs = (page: Page) => page.getByTestId('message').evaluateAll((els) => els.map((el) => Number(el.getAttribute('data-seq'))));

/** Rows on screen must be one run: a repeated seq is a duplicate, a skipped one a gap. */
export function breaksIn(seqs: number[]): string[] {
  return seqs.flatMap((seq, i) => (i > 0 && seq !== seqs[i - 1]! + 1 ? [`${seqs[i - 1]} then ${seq}`] : []));
}

/** About how many rows the list holds in all: its scroll height over the height of the rows in the DOM. */
export async function rowsHeld(page: Page): Promise<number> {
  const inDom = await page.getByTestId('message').evaluateAll((els) => ({ n: els.length, height: els.reduce((sum, el) => sum + el.getBoundingClientRect().height, 0) }));
  const total = await scroller(page).evaluate((el) => el.scrollHeight);
  return Math.round(total / (inDom.height / inDom.n));
}

/** Wholly inside the list's visible part. */
export async function inView(page: Page, target: Locator): Promise<boolean> {
  const [box, list] = await Promise.all([target.boundingBox(), scroller(page).boundingBox()]);
  return !!box && !!list && box.y >= list.y && box.y + box.height <= list.y + list.height;
}
