import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { installGlobals, isLoaded } from '../src/page/globals';
import { attributesOf, clearCookies, recordingClient } from './helpers/client';

const w = window as any;
const publishedStub = readFileSync(resolve('test/fixtures/klaviyo-published-stub.js'), 'utf8');
const ourStub = readFileSync(resolve('src/page/stub.js'), 'utf8');

beforeEach(() => {
  clearCookies();
  for (const key of ['klaviyo', '_learnq', '_klOnsite', 'klaviyoLite', 'dataLayer']) delete w[key];
});

function load() {
  const client = recordingClient();
  installGlobals(window, client, client.log);
  return client;
}

const metrics = (sent: any[]) => sent.map((r) => (r.endpoint === 'events' ? attributesOf(r).metric.data.attributes.name : r.endpoint));

describe.each([
  ['Klaviyo\'s published Proxy stub', publishedStub],
  ['our ES5 stub', ourStub],
])('pre-load queue through %s', (_name, stub) => {
  it('replays every call in order on load and settles the promises made before it', async () => {
    window.eval(stub);
    const identified = w.klaviyo.identify({ email: 'early@shop.example' });
    const tracked = w.klaviyo.track('Viewed Product', { ProductID: '1' });
    let callbackResult: unknown;
    w.klaviyo.track('Added to Cart', { $value: 2 }, (r: unknown) => (callbackResult = r));
    w.klaviyo.push(['track', 'Pushed']);
    const { sent, api } = load();
    expect(metrics(sent)).toEqual(['profiles', 'Viewed Product', 'Added to Cart', 'Pushed']);
    expect(await identified).toMatchObject({ email: 'early@shop.example' });
    expect(await tracked).toBe(true);
    expect(callbackResult).toBe(true);
    expect(w.klaviyo).toBe(api);
  });

  it('a reference to the stub kept by the page still works after load', async () => {
    window.eval(stub);
    const kept = w.klaviyo;
    const { sent } = load();
    await kept.identify({ email: 'later@shop.example' });
    expect(await kept.track('Late')).toBe(true);
    expect(metrics(sent)).toEqual(['profiles', 'Late']);
  });
});

describe('our stub in an old browser', () => {
  it('without Promise or Proxy, calls still queue and their callbacks fire once the script loads', () => {
    const saved = { Promise: globalThis.Promise, Proxy: globalThis.Proxy };
    const fired: unknown[] = [];
    let returned: unknown = 'not called';
    Object.assign(globalThis, { Promise: undefined, Proxy: undefined });
    try {
      window.eval(ourStub);
      returned = w.klaviyo.identify({ email: 'old@shop.example' }, (r: unknown) => fired.push(r));
      w.klaviyo.track('Old Browser', {}, (r: unknown) => fired.push(r));
    } finally {
      Object.assign(globalThis, saved);
    }
    expect(returned).toBeUndefined();
    const { sent } = load();
    expect(metrics(sent)).toEqual(['profiles', 'Old Browser']);
    return new Promise((resolve) => setTimeout(resolve, 0)).then(() => {
      expect(fired).toEqual([{ email: 'old@shop.example' }, true]);
    });
  });
});

describe('legacy and array queues', () => {
  it('drains window._learnq, then window.klaviyo as a plain array', () => {
    w._learnq = [['account', 'XyZ789'], ['identify', { $email: 'legacy@shop.example' }]];
    w.klaviyo = [['track', 'From array']];
    w._learnq.push(['track', 'From learnq']);
    const { sent, api } = load();
    expect(metrics(sent)).toEqual(['profiles', 'From learnq', 'From array']);
    expect(`${api.account()}`).toBe('XyZ789');
  });

  it('_learnq becomes a live object: own push with several commands, synchronous isIdentified', () => {
    w._learnq = [];
    const kept = w._learnq;
    const { sent } = load();
    expect(w._learnq.push).not.toBe(Array.prototype.push);
    expect(w._learnq.isIdentified()).toBe(false);
    w._learnq.push(['identify', { $email: 'a@shop.example' }], ['track', 'One'], ['track', 'Two']);
    expect(w._learnq.isIdentified()).toBe(true);
    kept.push(['track', 'Through the old array']);
    expect(metrics(sent)).toEqual(['profiles', 'One', 'Two', 'Through the old array']);
  });

  it.each([
    ['frozen', Object.freeze],
    ['sealed', Object.seal],
  ])('a %s _learnq or klaviyo array: its queued commands are still replayed, in order', (_name, lock) => {
    w._learnq = lock([['identify', { $email: 'locked@shop.example' }], ['track', 'From learnq']]);
    w.klaviyo = lock([['track', 'From array']]);
    const { sent, api } = load();
    expect(metrics(sent)).toEqual(['profiles', 'From learnq', 'From array']);
    expect(w.klaviyo).toBe(api);
    expect(w._learnq.isIdentified()).toBe(true);
  });

  it('_learnq.identify() with no argument reads the visitor synchronously, as klaviyo.js answers it', async () => {
    const { sent } = load();
    const anonymous = w._learnq.identify();
    expect(anonymous).not.toBeInstanceOf(Promise);
    expect(anonymous).toEqual({});
    const identified = w._learnq.identify({ $email: 'woo@shop.example', $phone_number: '+15555550123', $first_name: 'Woo' });
    expect(identified).toBeInstanceOf(Promise);
    await identified;
    expect(w._learnq.identify()).toEqual({ $email: 'woo@shop.example', $phone_number: '+15555550123' });
    // WooCommerce's check before it tracks a checkout.
    expect(w._learnq.identify().$email !== undefined).toBe(true);
    expect(sent).toHaveLength(1);
  });

  it('identify() with no argument: $id and $exchange_id too; window.klaviyo.identify() resolves to the same', async () => {
    document.cookie = `__kla_id=${btoa(JSON.stringify({ cid: 'c1', $id: 'cust-7', $exchange_id: 'kx-1', $referrer: 'x' }))}; path=/`;
    const { sent } = load();
    expect(w._learnq.identify()).toEqual({ $id: 'cust-7', $exchange_id: 'kx-1' });
    expect(await w.klaviyo.identify()).toEqual({ $id: 'cust-7', $exchange_id: 'kx-1' });
    let answer: unknown;
    await w.klaviyo.identify((r: unknown) => (answer = r));
    expect(answer).toEqual({ $id: 'cust-7', $exchange_id: 'kx-1' });
    expect(sent).toEqual([]);
  });

  it('defines window._learnq even when the page never created it', () => {
    load();
    expect(typeof w._learnq.push).toBe('function');
  });

  it('leaves a page\'s own window.klaviyo of another shape alone, and says so', () => {
    const own = { settings: { theme: 'dark' } };
    w.klaviyo = own;
    const { logs, api } = load();
    expect(w.klaviyo).toBe(own);
    expect(w.klaviyoLite).toBe(api);
    expect(logs.some((l) => l.startsWith('error') && l.includes('window.klaviyo'))).toBe(true);
  });

  it('knows when it is already loaded, so a second copy stays idle', () => {
    expect(isLoaded(window)).toBe(false);
    load();
    expect(isLoaded(window)).toBe(true);
  });
});

describe('callbacks', () => {
  const settled = (p: Promise<unknown>) =>
    Promise.race([p.then(() => 'settled', () => 'settled'), new Promise((r) => setTimeout(() => r('pending'), 50))]);

  it("a page callback that throws does not leave the stub's Promise pending", async () => {
    window.eval(ourStub);
    const tracked = w.klaviyo.track('Viewed Product', { ProductID: '1' }, () => {
      throw new Error('page bug');
    });
    load();
    expect(await settled(tracked)).toBe('settled');
  });

  it('when the script never loads, one throwing callback does not stop the others from settling after 10 s', async () => {
    vi.useFakeTimers();
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      window.eval(ourStub);
      w.klaviyo.track('A', {}, () => {
        throw new Error('page bug');
      });
      const b = w.klaviyo.track('B', {});
      vi.advanceTimersByTime(10_000);
      vi.useRealTimers();
      expect(await settled(b)).toBe('settled');
      expect(errors).toHaveBeenCalledWith('[klaviyo-lite] a callback threw', expect.any(Error));
    } finally {
      vi.useRealTimers();
      errors.mockRestore();
    }
  });

  it('_learnq.isIdentified answers synchronously and still fires its callback', async () => {
    load();
    let answer: unknown;
    expect(w._learnq.isIdentified((r: unknown) => (answer = r))).toBe(false);
    await new Promise((r) => setTimeout(r, 0));
    expect(answer).toBe(false);
  });
});

describe('dataLayer', () => {
  it('GA4 events already on the dataLayer are read after the queued calls, so a queued identify comes first', () => {
    w._learnq = [['identify', { email: 'early@mailbox.org' }]];
    w.dataLayer = [{ event: 'view_item', ecommerce: { currency: 'USD', value: 5, items: [{ item_id: 'p1', item_name: 'Mug', price: 5 }] } }];
    const client = recordingClient({ dataLayer: true });
    installGlobals(window, client, client.log);
    client.start();
    // Active on Site last: after the queued calls and the dataLayer's events.
    expect(metrics(client.sent)).toEqual(['profiles', 'Viewed Product', '__activity__']);
  });
});
