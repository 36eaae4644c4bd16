import Cookies from 'js-cookie';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { startWithConsent } from '../src/consent/start';
import type { OutboundRequest } from '../src/types';
import { clearCookies } from './helpers/client';

const w = window as any;
// The fakes the browser tests load: one per platform, written from its documented behaviour.
const fake = (name: string) => readFileSync(resolve(`e2e/fixtures/consent/${name}.js`), 'utf8');
const GLOBALS = ['klaviyo', '_learnq', '_klOnsite', 'klaviyoLite', 'dataLayer', 'gtag', 'OnetrustActiveGroups', 'OneTrust', 'Optanon',
  'Cookiebot', '__tcfapi', 'Shopify', 'fakeCmp', 'fakeTcfNoGdpr', 'fakeShopifyNoRegulation', 'fakeGcmNoDefault'];
const VISITOR = btoa(JSON.stringify({ cid: 'c1', $email: 'back@shop.example' }));

beforeEach(() => {
  clearCookies();
  for (const key of GLOBALS) delete w[key];
});

function load(extra = {}) {
  const sent: OutboundRequest[] = [];
  const logs: string[] = [];
  const log = { debug: (m: string) => void logs.push(m), warn: (m: string) => void logs.push(m), error: (m: string) => void logs.push(`error: ${m}`) };
  const delivery = { send: (r: OutboundRequest) => void sent.push(r), flush: async () => {}, clear: () => {}, pending: () => 0, stop: () => {} };
  startWithConsent(window, Object.assign({ companyId: 'AbC123', apiBase: 'http://127.0.0.1:1', debug: true, dataLayer: false, holdAnonymous: false, respectGpc: false, consent: 'required', activity: false, delivery }, extra), log);
  return { sent, logs, metrics: () => sent.map((r: any) => (r.endpoint == 'events' ? r.body.data.attributes.metric.data.attributes.name : r.endpoint)) };
}

// The platforms' loaders are asynchronous: the script finds out when they say so (the fake's 20 ms timers).
const settle = () => new Promise((r) => setTimeout(r, 60));
const FAKES = ['gcm', 'shopify', 'onetrust', 'cookiebot', 'tcf'];

describe.each(FAKES)('consent from %s', (name) => {
  it('before the visitor chooses, calls wait (a default is no refusal); accepting sends them', async () => {
    Cookies.set('__kla_id', VISITOR, { path: '/' });
    window.eval(fake(name));
    const { metrics } = load();
    const tracked = w.klaviyo.track('Held');
    await settle();
    expect(metrics()).toEqual([]);
    w.fakeCmp.accept();
    await settle();
    expect(metrics()).toEqual(['Held']);
    expect(await tracked).toBe(true);
  });

  it('rejecting discards what waited; withdrawing after accepting forgets the visitor and drops later calls', async () => {
    window.eval(fake(name));
    const { metrics } = load();
    const held = w.klaviyo.track('Held');
    await settle();
    w.fakeCmp.reject();
    await settle();
    expect(await held).toBe(false);
    w.fakeCmp.accept();
    await settle();
    await w.klaviyo.identify({ email: 'ada@shop.example' });
    expect(Cookies.get('__kla_id')).toBeDefined();
    w.fakeCmp.withdraw();
    await settle();
    expect(Cookies.get('__kla_id')).toBeUndefined();
    expect(await w.klaviyo.track('After')).toBe(false);
    expect(metrics()).toEqual(['profiles']);
  });

  it('a returning visitor who accepted before is granted as the platform loads, without a click', async () => {
    window.eval(fake(name));
    await settle();
    w.fakeCmp.accept();
    await settle();
    for (const key of GLOBALS) delete w[key];
    Cookies.set('__kla_id', VISITOR, { path: '/' });
    // The next page: the platform (its stored choice kept) and the script load again.
    window.eval(fake(name));
    const { metrics } = load();
    w.klaviyo.track('Back');
    await settle();
    expect(metrics()).toEqual(['Back']);
  });

  it('a platform that loads after the script is heard too', async () => {
    Cookies.set('__kla_id', VISITOR, { path: '/' });
    if (name == 'shopify') w.Shopify = {}; // Shopify's own object is in the page's head; the API loads on demand.
    const { metrics } = load();
    w.klaviyo.track('Early');
    window.eval(fake(name));
    window.dispatchEvent(new Event('load'));
    await settle();
    w.fakeCmp.accept();
    await settle();
    expect(metrics()).toEqual(['Early']);
  });
});

describe('platform details', () => {
  it('Google Consent Mode: plain arrays count, keys come from data-consent-gcm, an update of other keys is no answer', () => {
    Cookies.set('__kla_id', VISITOR, { path: '/' });
    w.dataLayer = [['consent', 'default', { analytics_storage: 'denied' }]];
    const { metrics } = load({ consentGcm: 'analytics_storage' });
    w.klaviyo.track('Held');
    w.dataLayer.push(['consent', 'update', { ad_storage: 'denied' }]);
    expect(metrics()).toEqual([]);
    w.dataLayer.push(['consent', 'update', { analytics_storage: 'granted' }]);
    expect(metrics()).toEqual(['Held']);
  });

  it('Google Consent Mode: a granted default grants, unless some default is regional', () => {
    Cookies.set('__kla_id', VISITOR, { path: '/' });
    w.dataLayer = [
      ['consent', 'default', { ad_storage: 'denied', ad_user_data: 'denied', region: ['ES', 'FR'] }],
      ['consent', 'default', { ad_storage: 'granted', ad_user_data: 'granted' }],
    ];
    const { metrics } = load();
    w.klaviyo.track('Held');
    expect(metrics()).toEqual([]);
    w.dataLayer.push(['consent', 'update', { ad_storage: 'granted', ad_user_data: 'granted' }]);
    expect(metrics()).toEqual(['Held']);
  });

  it('OneTrust: data-consent-onetrust names another group', async () => {
    Cookies.set('__kla_id', VISITOR, { path: '/' });
    w.OnetrustActiveGroups = ',C0001,C0003,';
    const { metrics } = load({ consentOnetrust: 'C0003' });
    await w.klaviyo.track('Held');
    expect(metrics()).toEqual(['Held']);
  });

  it('TCF: granted where the GDPR does not apply', async () => {
    Cookies.set('__kla_id', VISITOR, { path: '/' });
    w.fakeTcfNoGdpr = true;
    window.eval(fake('tcf'));
    w.fakeCmp.reject();
    const { metrics } = load();
    w.klaviyo.track('Held');
    await settle();
    expect(metrics()).toEqual(['Held']);
  });

  it('Shopify: where no consent is required, marketing is allowed at once', async () => {
    Cookies.set('__kla_id', VISITOR, { path: '/' });
    w.fakeShopifyNoRegulation = true;
    window.eval(fake('shopify'));
    const { metrics } = load();
    w.klaviyo.track('Held');
    await settle();
    expect(metrics()).toEqual(['Held']);
  });

  it('the latest signal wins, whichever source gives it', async () => {
    Cookies.set('__kla_id', VISITOR, { path: '/' });
    w.OnetrustActiveGroups = ',C0001,C0004,';
    const { metrics } = load();
    await w.klaviyo.track('One');
    window.dispatchEvent(new Event('CookiebotOnDecline'));
    w.Cookiebot = { consent: { marketing: false }, hasResponse: true };
    window.dispatchEvent(new Event('CookiebotOnDecline'));
    expect(await w.klaviyo.track('Two')).toBe(false);
    w.klaviyo.consent(true);
    expect(await w.klaviyo.track('Three')).toBe(false); // the visitor was forgotten on the revoke
    expect(metrics()).toEqual(['One']);
  });
});

describe('bad input', () => {
  it('a dataLayer of 10,000 entries, a throwing __tcfapi, CMP globals that are strings: nothing thrown, calls wait in order', async () => {
    Cookies.set('__kla_id', VISITOR, { path: '/' });
    w.dataLayer = Array.from({ length: 10_000 }, (_, i) => (i % 2 ? { event: `e${i}` } : ['consent', 'default', { ad_storage: 'denied' }]));
    w.__tcfapi = () => {
      throw new Error('CMP broken');
    };
    w.Cookiebot = 'Cookiebot';
    w.OnetrustActiveGroups = 42;
    w.Shopify = 'shop';
    const { metrics, logs } = load();
    w.klaviyo.track('A');
    w.klaviyo.track('B');
    expect(logs).toContain('error: consent: tcf failed');
    w.klaviyo.consent(true);
    expect(metrics()).toEqual(['A', 'B']);
  });

  it('a dataLayer that is not an array is left alone', () => {
    w.dataLayer = 'not a layer';
    expect(() => load()).not.toThrow();
    expect(w.dataLayer).toBe('not a layer');
  });
});
