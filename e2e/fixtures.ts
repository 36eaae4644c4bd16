import { test as base, chromium, expect, type Browser } from '@playwright/test';
import { chromiumPath, CHROMIUM_FLAGS } from './browser';
import { startEmulator, startSite, type Pages } from './servers';

type Emulator = Awaited<ReturnType<typeof startEmulator>>;
type Site = Awaited<ReturnType<typeof startSite>>;

export const test = base.extend<
  { pageErrors: string[]; emulator: Emulator; site: (pages: Pages) => Promise<Site>; allowInvalid: boolean },
  { browser: Browser }
>({
  browser: [
    async ({}, use) => {
      const browser = await chromium.launch({ executablePath: await chromiumPath(), args: CHROMIUM_FLAGS, headless: true });
      await use(browser);
      await browser.close();
    },
    { scope: 'worker' },
  ],
  // Every test fails on an uncaught error in the page.
  pageErrors: [
    async ({ page }, use) => {
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(String(error)));
      await use(errors);
      expect(errors, 'uncaught errors in the page').toEqual([]);
    },
    { auto: true },
  ],
  allowInvalid: [false, { option: true }],
  // A fresh emulator per test; a 400 the test did not ask for fails it.
  emulator: async ({ allowInvalid }, use) => {
    const emulator = await startEmulator({ quiet: true });
    await use(emulator);
    const invalid = emulator.requests().filter((r) => r.verdict === 'invalid');
    await emulator.close();
    if (!allowInvalid) expect(invalid, 'requests the emulator found invalid').toEqual([]);
  },
  site: async ({}, use) => {
    const sites: Site[] = [];
    await use(async (pages) => {
      const site = await startSite(pages);
      sites.push(site);
      return site;
    });
    await Promise.all(sites.map((s) => s.close()));
  },
});

export { expect };

/** The emulator's accepted requests, as (endpoint, metric, profile) rows that read well in a failed assertion. */
export function accepted(emulator: Pick<Emulator, 'requests'>) {
  return emulator
    .requests()
    .filter((r) => r.verdict === 'accepted' || r.verdict === 'duplicate')
    .flatMap((r) => {
      const body = r.body as any;
      if (r.endpoint === 'event-bulk-create') {
        return body.data.attributes.events.data.map((e: any) => ({
          endpoint: 'events', metric: e.attributes.metric.data.attributes.name, properties: e.attributes.properties,
          value: e.attributes.value, uniqueId: e.attributes.unique_id, profile: body.data.attributes.profile.data.attributes,
        }));
      }
      if (r.endpoint === 'events') {
        const a = body.data.attributes;
        return [{ endpoint: 'events', metric: a.metric.data.attributes.name, properties: a.properties, value: a.value, uniqueId: a.unique_id, profile: a.profile.data.attributes }];
      }
      return [{ endpoint: r.endpoint, attributes: body.data.attributes }];
    });
}
