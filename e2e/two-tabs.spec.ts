import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';

// Two tabs of one browser (one context: shared cookies and localStorage, so one outbox origin) tracking at the
// same time: every event of both tabs reaches the emulator, and none is counted twice. A copy sent again with
// the same unique_id (at-least-once delivery) is not counted again: Klaviyo, like the emulator, keeps the first.

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

  /** Every copy of a Tab Event the emulator accepted (singly or in a bulk): which event it is, and its unique_id. */
  const arrivals = () =>
    emulator
      .requests()
      .filter((r) => r.status === 202)
      .flatMap((r) => {
        const body = r.body as any;
        if (r.endpoint === 'event-bulk-create') return body.data.attributes.events.data;
        return r.endpoint === 'events' ? [body.data] : [];
      })
      .filter((e: any) => e.attributes.metric.data.attributes.name === 'Tab Event')
      .map((e: any) => ({ event: `${e.attributes.properties.tab}${e.attributes.properties.n}`, uid: e.attributes.unique_id as string }));
  const expected = ['A', 'B'].flatMap((tab) => Array.from({ length: 2 * PER_BURST }, (_, n) => `${tab}${n}`)).sort();
  await expect
    .poll(() => [...new Set(arrivals().map((a) => a.event))].sort(), { message: 'both tabs’ events', intervals: [100] })
    .toEqual(expected);

  // Counted once: every copy of an event carries the same unique_id, and no two events share one.
  const uidsOf = new Map<string, Set<string>>();
  for (const { event, uid } of arrivals()) uidsOf.set(event, (uidsOf.get(event) ?? new Set()).add(uid));
  const countedTwice = [...uidsOf].filter(([, uids]) => uids.size !== 1).map(([event, uids]) => `${event}: ${[...uids].join(', ')}`);
  expect(countedTwice, 'events sent under more than one unique_id').toEqual([]);
  const uids = [...uidsOf.values()].map((set) => [...set][0]);
  expect(new Set(uids).size, 'a unique_id per event').toBe(expected.length);
  test.info().annotations.push({ type: 'copies sent again', description: String(arrivals().length - expected.length) });
  expect(otherErrors, 'uncaught errors in the second tab').toEqual([]);
});
