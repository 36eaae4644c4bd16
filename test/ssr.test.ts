// @vitest-environment node
// Server-side rendering (Next.js, Remix, Hydrogen): the package is imported and used where there is no page.
import { afterEach, expect, it, vi } from 'vitest';
import { createKlaviyo, KlaviyoLiteError } from '../src/index';

afterEach(() => vi.useRealTimers());

it('has no browser here', () => {
  expect(typeof window).toBe('undefined');
  expect(typeof document).toBe('undefined');
});

it('createKlaviyo() and every method never throw: each call resolves false, callbacks fire, nothing is sent', async () => {
  const fetches: unknown[] = [];
  vi.stubGlobal('fetch', async (...args: unknown[]) => {
    fetches.push(args);
    return new Response(null, { status: 202 });
  });
  vi.useFakeTimers();
  const klaviyo = createKlaviyo({ companyId: 'AbC123', dataLayer: true });
  const calls: Array<[string, unknown[]]> = [
    ['identify', [{ email: 'ssr@mailbox.org' }]],
    ['identify', []],
    ['track', ['Viewed Product', { ProductID: '1' }]],
    ['isIdentified', []],
    ['account', ['XyZ789']],
    ['cookieDomain', ['shop.example']],
    ['subscribe', [{ listId: 'Y6nRLr', email: 'ssr@mailbox.org' }]],
    ['viewedProduct', [{ id: '1', name: 'Mug', price: 5 }]],
    ['addedToCart', [{ id: '1', name: 'Mug', price: 5 }]],
    ['startedCheckout', [{ items: [{ id: '1', price: 5 }] }]],
    ['trackViewedItem', [{ ItemId: '1' }]],
    ['optOut', []],
    ['optIn', []],
  ];
  for (const [name, args] of calls) {
    expect(typeof (klaviyo as any)[name], name).toBe('function');
    const fired: unknown[] = [];
    const result = await (klaviyo as any)[name](...args, (r: unknown) => fired.push(r)).then(
      (value: unknown) => ({ value }),
      (error: unknown) => ({ error }),
    );
    expect(result, name).toEqual({ value: false });
    expect(fired, name).toEqual([false]);
  }
  expect(await klaviyo.push(['track', 'Pushed'], ['identify', { email: 'ssr@mailbox.org' }])).toEqual([false, false]);
  await vi.advanceTimersByTimeAsync(60_000);
  expect(fetches).toEqual([]);
  expect(KlaviyoLiteError).toBeTypeOf('function');
});
