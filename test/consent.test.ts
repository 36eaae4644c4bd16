import Cookies from 'js-cookie';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createClient, withDefaults } from '../src/client/client';
import { startWithConsent } from '../src/consent/start';
import { METHOD_NAMES } from '../src/client/context';
import type { Delivery } from '../src/delivery/delivery';
import type { Config, OutboundRequest } from '../src/types';
import { clearCookies } from './helpers/client';
import { expectValidBody } from './helpers/spec';

const w = window as any;
const ourStub = readFileSync(resolve('src/page/stub.js'), 'utf8');
const GLOBALS = ['klaviyo', '_learnq', '_klOnsite', 'klaviyoLite', 'dataLayer', 'OnetrustActiveGroups', 'OneTrust', 'Cookiebot', '__tcfapi', 'Shopify'];

beforeEach(() => {
  clearCookies();
  for (const key of GLOBALS) delete w[key];
});
afterEach(() => vi.useRealTimers());

/** The script with data-consent="required", its delivery recording what it would send. */
function load(extra: Partial<Config> = {}) {
  const sent: OutboundRequest[] = [];
  const delivery = {
    send: (request: OutboundRequest) => {
      expectValidBody(request.endpoint, request.body);
      sent.push(request);
    },
    flush: async () => {},
    clear: vi.fn(),
    pending: () => sent.length,
    stop: vi.fn(),
  } satisfies Delivery;
  const logs: string[] = [];
  const log = {
    debug: (m: string) => void logs.push(`debug: ${m}`),
    warn: (m: string) => void logs.push(`warn: ${m}`),
    error: (m: string) => void logs.push(`error: ${m}`),
  };
  const config = { companyId: 'AbC123', apiBase: 'http://127.0.0.1:1', debug: true, dataLayer: false, holdAnonymous: false, respectGpc: false, consent: 'required', activity: false };
  // Active on Site off: these tests count the page's own calls (one test below turns it on).
  startWithConsent(window, Object.assign(config, { delivery }, extra), log);
  return { sent, logs, delivery };
}

const events = (sent: OutboundRequest[]) =>
  sent.filter((r) => r.endpoint === 'events').map((r: any) => [r.body.data.attributes.metric.data.attributes.name, r.body.data.attributes.time]);

function cookieDescriptor() {
  let proto = Object.getPrototypeOf(document);
  while (!Object.getOwnPropertyDescriptor(proto, 'cookie')) proto = Object.getPrototypeOf(proto);
  return Object.getOwnPropertyDescriptor(proto, 'cookie')!;
}

/** Every access the script makes to cookies and web storage. */
function recordAccess() {
  const touched: string[] = [];
  const cookie = cookieDescriptor();
  vi.spyOn(document, 'cookie', 'get').mockImplementation(() => (touched.push('cookie read'), cookie!.get!.call(document)));
  vi.spyOn(document, 'cookie', 'set').mockImplementation((value) => (touched.push(`cookie write ${value}`), cookie!.set!.call(document, value)));
  for (const method of ['getItem', 'setItem', 'removeItem', 'key'] as const) {
    const original = Storage.prototype[method] as (...args: any[]) => any;
    vi.spyOn(Storage.prototype, method).mockImplementation(function (this: Storage, ...args: any[]) {
      touched.push(`storage ${method} ${args[0]}`);
      return original.apply(this, args);
    });
  }
  return touched;
}

describe('data-consent="required": the gate', () => {
  it('before consent reads and writes no cookie and no storage, sends nothing, and holds the calls', async () => {
    Cookies.set('__kla_id', btoa(JSON.stringify({ cid: 'c1', $email: 'back@shop.example' })), { path: '/' });
    const touched = recordAccess();
    const { sent } = load();
    let settled = false;
    w.klaviyo.identify({ email: 'ada@shop.example' }).then(() => (settled = true));
    w.klaviyo.track('Viewed Product', { ProductID: '1' });
    w._learnq.push(['track', 'Legacy']);
    expect(w._learnq.isIdentified()).toBe(false);
    await Promise.resolve();
    expect(touched).toEqual([]);
    expect(sent).toEqual([]);
    expect(settled).toBe(false);
  });

  it('on grant runs the held calls in order, each with the time it was made', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-01-02T10:00:00.000Z'));
    const { sent } = load();
    const identified = w.klaviyo.identify({ email: 'ada@shop.example' });
    vi.setSystemTime(new Date('2026-01-02T10:00:05.000Z'));
    const tracked = w.klaviyo.track('Viewed Product', { ProductID: '1' });
    vi.setSystemTime(new Date('2026-01-02T10:00:09.000Z'));
    w._learnq.push(['track', 'Legacy']);
    vi.setSystemTime(new Date('2026-01-02T10:01:00.000Z'));
    expect(await w.klaviyo.consent(true)).toBe(true);
    expect(sent.map((r) => r.endpoint)).toEqual(['profiles', 'events', 'events']);
    expect(events(sent)).toEqual([
      ['Viewed Product', '2026-01-02T10:00:05.000Z'],
      ['Legacy', '2026-01-02T10:00:09.000Z'],
    ]);
    expect(await identified).toMatchObject({ email: 'ada@shop.example' });
    expect(await tracked).toBe(true);
    // Granted: calls go straight through, at their own time.
    await w.klaviyo.track('After');
    expect(events(sent)[2]).toEqual(['After', '2026-01-02T10:01:00.000Z']);
  });

  it('calls queued by the stub before the script loaded wait too, and a queued consent(true) releases them', async () => {
    window.eval(ourStub);
    const identified = w.klaviyo.identify({ email: 'stub@shop.example' });
    let callbackResult: unknown;
    const tracked = w.klaviyo.track('Queued', {}, (r: unknown) => (callbackResult = r));
    w.klaviyo.consent(true);
    const { sent } = load();
    expect(sent.map((r) => r.endpoint)).toEqual(['profiles', 'events']);
    expect(await identified).toEqual({ email: 'stub@shop.example' });
    expect(await tracked).toBe(true);
    expect(callbackResult).toBe(true);
  });

  it('after a grant, an identified visitor gets Active on Site, as without data-consent; never before', async () => {
    const { sent } = load({ activity: true });
    w.klaviyo.identify({ email: 'ada@shop.example' });
    w.klaviyo.track('Viewed Product', { ProductID: '1' });
    expect(sent).toEqual([]);
    await w.klaviyo.consent(true);
    await new Promise((resolve) => setTimeout(resolve));
    // Right after the identifying request, as without data-consent.
    expect(events(sent).map(([metric]) => metric)).toEqual(['__activity__', 'Viewed Product']);
  });

  it('on deny discards the held calls: they resolve false, their callbacks fire, nothing is sent or stored', async () => {
    const { sent } = load();
    const callback = vi.fn();
    const identified = w.klaviyo.identify({ email: 'ada@shop.example' });
    const tracked = w.klaviyo.track('Viewed Product', {}, callback);
    expect(await w.klaviyo.consent(false)).toBe(false);
    expect(await identified).toBe(false);
    expect(await tracked).toBe(false);
    expect(callback).toHaveBeenCalledWith(false);
    expect(await w.klaviyo.track('Later')).toBe(false);
    expect(sent).toEqual([]);
    expect(document.cookie).toBe('');
    expect(localStorage.length + sessionStorage.length).toBe(0);
    // A later grant lets later calls through, not the discarded ones.
    w.klaviyo.consent(true);
    await w.klaviyo.identify({ email: 'ada@shop.example' });
    expect(sent.map((r) => r.endpoint)).toEqual(['profiles']);
  });

  it('holds at most 100 calls: past that the oldest goes (resolving false), with a warning', async () => {
    const { sent, logs } = load();
    w.klaviyo.identify({ email: 'ada@shop.example' });
    const results = Array.from({ length: 150 }, (_, i) => w.klaviyo.track(`E${i}`));
    expect(await results[0]).toBe(false);
    w.klaviyo.consent(true);
    // The identify was the oldest of all: the 100 newest calls are tracks of an anonymous visitor.
    expect(sent).toEqual([]);
    expect(await results[49]).toBe(false);
    expect(await results[50]).toBe(false);
    expect(logs).toContain('warn: consent: 100 calls held: dropped the oldest');
  });

  it('keeps the 100 newest in order', () => {
    Cookies.set('__kla_id', btoa(JSON.stringify({ cid: 'c1', $email: 'back@shop.example' })), { path: '/' });
    const { sent } = load();
    for (let i = 0; i < 120; i++) w.klaviyo.track(`E${i}`);
    w.klaviyo.consent(true);
    expect(events(sent).map(([metric]) => metric)).toEqual(Array.from({ length: 100 }, (_, i) => `E${i + 20}`));
  });

  it('revoked after a grant: __kla_id, the outbox and the local lists go, no cookie is written, later calls drop', async () => {
    const { sent, delivery } = load();
    w.klaviyo.consent(true);
    await w.klaviyo.identify({ email: 'ada@shop.example' });
    await w.klaviyo.trackViewedItem({ ItemId: '1', Title: 'Tee' });
    expect(Cookies.get('__kla_id')).toBeDefined();
    localStorage.setItem('__kla_outbox.abc', '{"alive":0,"records":[]}');
    sessionStorage.setItem('__kla_held', '[]');
    localStorage.setItem('other', 'kept');
    const writes: string[] = [];
    const jar = cookieDescriptor();
    vi.spyOn(document, 'cookie', 'set').mockImplementation((value) => (writes.push(value), jar!.set!.call(document, value)));
    expect(await w.klaviyo.consent(false)).toBe(false);
    expect(Cookies.get('__kla_id')).toBeUndefined();
    expect(Cookies.get('__kla_off')).toBeUndefined();
    // Removals only: an empty value that expired.
    expect(writes.length).toBeGreaterThan(0);
    for (const value of writes) expect(value).toMatch(/^__kla_id=; path=\/; .*expires=/);
    expect(Object.keys(localStorage)).toEqual(['other']);
    expect(sessionStorage.length).toBe(0);
    expect(delivery.clear).toHaveBeenCalled();
    expect(delivery.stop).toHaveBeenCalled();
    const count = sent.length;
    expect(await w.klaviyo.track('After revoke')).toBe(false);
    expect(await w.klaviyo.isIdentified()).toBe(false);
    expect(w._learnq.isIdentified()).toBe(false);
    expect(sent.length).toBe(count);
    // Granted again: a new visitor, who is anonymous until identified.
    w.klaviyo.consent(true);
    expect(await w.klaviyo.isIdentified()).toBe(false);
  });

  it('consent flipped 1,000 times: nothing thrown, each call sent once at most, in order', async () => {
    Cookies.set('__kla_id', btoa(JSON.stringify({ cid: 'c1', $email: 'back@shop.example' })), { path: '/' });
    const { sent } = load();
    w.klaviyo.track('Held');
    for (let i = 0; i < 1000; i++) {
      w.klaviyo.consent(i % 2 == 0);
      w.klaviyo.track(`Flip ${i}`);
    }
    // Only the held call and those made while granted before the first revoke forgot the visitor.
    expect(events(sent).map(([metric]) => metric)).toEqual(['Held', 'Flip 0']);
  });

  it('a consent value other than true or false refuses', async () => {
    const { sent } = load();
    const tracked = w.klaviyo.track('Held');
    expect(await w.klaviyo.consent('yes')).toBe(false);
    expect(await tracked).toBe(false);
    expect(sent).toEqual([]);
  });

  it('gates every method of the client', () => {
    const client = createClient(withDefaults({ companyId: 'AbC123' }));
    expect(METHOD_NAMES.split(' ').sort()).toEqual(Object.keys(client.api).filter((k) => k != 'push').sort());
    client.delivery.stop();
  });
});

describe('data-consent with data-datalayer', () => {
  it('GA4 events pushed before consent are held with their times and sent on grant', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-01-02T10:00:00.000Z'));
    Cookies.set('__kla_id', btoa(JSON.stringify({ cid: 'c1', $email: 'back@shop.example' })), { path: '/' });
    w.dataLayer = [];
    const { sent } = load({ dataLayer: true });
    w.dataLayer.push({ event: 'view_item', ecommerce: { items: [{ item_id: 'SKU1', item_name: 'Tee', price: 10 }] } });
    vi.setSystemTime(new Date('2026-01-02T10:00:30.000Z'));
    w.klaviyo.consent(true);
    expect(events(sent)).toEqual([['Viewed Product', '2026-01-02T10:00:00.000Z']]);
  });

  it('without data-datalayer, GA4 events are not sent', () => {
    Cookies.set('__kla_id', btoa(JSON.stringify({ cid: 'c1', $email: 'back@shop.example' })), { path: '/' });
    const { sent } = load();
    w.klaviyo.consent(true);
    w.dataLayer.push({ event: 'view_item', ecommerce: { items: [{ item_id: 'SKU1' }] } });
    expect(sent).toEqual([]);
  });
});
