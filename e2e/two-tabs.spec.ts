import type { Page } from '@playwright/test';
import { accepted, expect, test } from './fixtures';

// Two tabs of one browser (one context: shared cookies and localStorage, so one outbox origin) tracking at the
// same time: every event of both tabs reaches the emulator, and none is sent or counted twice.

const KEY = 'AbC123';
const PER_BURST = 15;
const shopPage = (api: string) =>
  `<!doctype html><title>shop</title><script async src="/klaviyo-lite.js?company_id=${KEY}" data-api-base="${api}"></script>`;

async function open(page: Page, url: string) {
  await page.goto(url);
  await page.waitForFunction(() => (window as any).klaviyoLite?.__klaviyoLite === true);
}

/** `count` tracks in a row from one tab, without awaiting each other; resolves with what each call returned. */
const burst = (page: Page, tab: string, from: number, count: number) =>
  page.evaluate(
    ([tab, from, count]) => {
      const calls: Array<Promise<boolean>> = [];
      for (let n = from; n < from + count; n++) calls.push((window as any).klaviyoLite.track('Tab Event', { tab, n }));
      return Promise.all(calls);
    },
    [tab, from, count] as const,
  );

test('two tabs of one browser tracking at once: every event arrives once', async ({ page, emulator, site }) => {
  const shop = await site({ '/': shopPage(emulator.url) });
  const other = await page.context().newPage();
  const otherErrors: string[] = [];
  other.on('pageerror', (error) => otherErrors.push(String(error)));

  await open(page, `${shop.url}/`);
  await page.evaluate(() => (window as any).klaviyoLite.identify({ email: 'two.tabs@example.com' }));
  await open(other, `${shop.url}/`);

  // Both tabs at the same time, then tab A reloads (its outbox key is released and adopted) while B goes on.
  const first = await Promise.all([burst(page, 'A', 0, PER_BURST), burst(other, 'B', 0, PER_BURST)]);
  await open(page, `${shop.url}/`);
  const second = await Promise.all([burst(page, 'A', PER_BURST, PER_BURST), burst(other, 'B', PER_BURST, PER_BURST)]);
  expect([...first, ...second].flat().every((queued) => queued === true), 'every track was queued').toBe(true);

  const events = () => accepted(emulator).filter((row: any) => row.metric === 'Tab Event') as any[];
  const expected = ['A', 'B'].flatMap((tab) => Array.from({ length: 2 * PER_BURST }, (_, n) => `${tab}${n}`)).sort();
  await expect
    .poll(() => events().map((e) => `${e.properties.tab}${e.properties.n}`).sort(), { message: 'both tabs’ events', intervals: [100] })
    .toEqual(expected);

  const received = events();
  expect(new Set(received.map((e) => e.uniqueId)).size, 'one unique_id per event').toBe(received.length);
  const resent = emulator.requests().filter((r) => r.verdict === 'duplicate');
  expect(resent.map((r) => r.endpoint), 'nothing the emulator had already counted').toEqual([]);
  expect(otherErrors, 'uncaught errors in the second tab').toEqual([]);
});
