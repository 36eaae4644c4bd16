// Active on Site (__activity__), klaviyo.js's session flags on every event, and crawlers that send nothing.
import Cookies from 'js-cookie';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { activityEvent } from '../src/client/activity';
import { createClient, withDefaults } from '../src/client/client';
import { browserOf, osOf } from '../src/events/user-agent';
import { isCrawler } from '../src/page/crawler';
import type { OutboundRequest } from '../src/types';
import { attributesOf, clearCookies, recordingClient } from './helpers/client';
import { fakeApi } from './helpers/fake-api';

const UA = {
  chromeWindows: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  safariMac: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
  safariIphone: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  chromeIpad: 'Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/126.0.6478.54 Mobile/15E148 Safari/604.1',
  firefoxIphone: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/127.0 Mobile/15E148 Safari/605.1.15',
  firefoxLinux: 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
  edgeWindows: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
  edgeAndroid: 'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36 EdgA/131.0.0.0',
  samsung: 'Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S921B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36',
  operaWindows: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 OPR/115.0.0.0',
  chromeOs: 'Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  chromeAndroid: 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
  headless: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/147.0.0.0 Safari/537.36',
  cubot: 'Mozilla/5.0 (Linux; Android 12; CUBOT KINGKONG 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36',
};

const CRAWLERS = [
  'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  'Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  'Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm) Chrome/116.0.1938.76 Safari/537.36',
  'AdsBot-Google (+http://www.google.com/adsbot.html)',
  'Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)',
  'Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)',
  'DuckDuckBot/1.1; (+http://duckduckgo.com/duckduckbot.html)',
  'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)',
  'Mozilla/5.0 (compatible; Yahoo! Slurp; http://help.yahoo.com/help/us/ysearch/slurp)',
  'Mozilla/5.0 (compatible; SomeCrawler/1.0)',
  'my-SPIDER/0.1',
];

const session = { $use_ip: true, $is_session_activity: true };
const metricOf = (request: OutboundRequest) =>
  request.endpoint == 'events' ? attributesOf(request).metric.data.attributes.name : request.endpoint;
const activities = (sent: OutboundRequest[]) => sent.filter((r) => metricOf(r) == '__activity__');
const userAgent = (value: string) => vi.spyOn(navigator, 'userAgent', 'get').mockReturnValue(value);
const referrer = (value: string) => vi.spyOn(document, 'referrer', 'get').mockReturnValue(value);

beforeEach(clearCookies);
afterEach(() => {
  clearCookies();
  history.replaceState(null, '', '/');
});

describe('browser and operating system families', () => {
  it.each([
    ['chromeWindows', 'Chrome', 'Windows'],
    ['safariMac', 'Safari', 'macOS'],
    ['safariIphone', 'Safari', 'iOS'],
    ['chromeIpad', 'Chrome', 'iOS'],
    ['firefoxIphone', 'Firefox', 'iOS'],
    ['firefoxLinux', 'Firefox', 'Linux'],
    ['edgeWindows', 'Edge', 'Windows'],
    ['edgeAndroid', 'Edge', 'Android'],
    ['samsung', 'Samsung Internet', 'Android'],
    ['operaWindows', 'Opera', 'Windows'],
    ['chromeOs', 'Chrome', 'ChromeOS'],
    ['chromeAndroid', 'Chrome', 'Android'],
    ['headless', 'Chrome', 'Linux'],
  ] as const)('%s: %s on %s', (name, browser, os) => {
    expect(browserOf(UA[name])).toBe(browser);
    expect(osOf(UA[name])).toBe(os);
  });

  it('anything else is no family, and a 100 KB user agent is read without trouble', () => {
    expect(browserOf('curl/8.5.0')).toBeUndefined();
    expect(osOf('curl/8.5.0')).toBeUndefined();
    const huge = `${'x'.repeat(1e5)} ${UA.edgeWindows}`;
    expect([browserOf(huge), osOf(huge)]).toEqual(['Edge', 'Windows']);
  });
});

describe('crawlers by user agent', () => {
  it('the named crawlers and the generic words, whatever their case', () => {
    for (const agent of CRAWLERS) expect(isCrawler(agent), agent).toBe(true);
    expect(isCrawler('BOT')).toBe(true);
  });

  it('browsers are not, nor headless Chrome (as the browser tests run it), nor a Cubot phone', () => {
    for (const agent of Object.values(UA)) expect(isCrawler(agent), agent).toBe(false);
  });

  it('a 100 KB user agent is read without trouble', () => {
    expect(isCrawler('u'.repeat(1e5))).toBe(false);
    expect(isCrawler(`${'u'.repeat(1e5)} Googlebot`)).toBe(true);
  });
});

describe('the Active on Site event', () => {
  it('page without _kx (the rest of the address as it was), browser, os, each utm_ parameter', () => {
    userAgent(UA.safariIphone);
    history.replaceState(null, '', '/p/kettle?utm_source=news%20letter&_kx=TOKEN.1&q=a%2Fb&utm_campaign=spring#reviews');
    expect(activityEvent()).toEqual({
      metric: '__activity__',
      properties: {
        page: `${location.origin}/p/kettle?utm_source=news+letter&q=a%2Fb&utm_campaign=spring#reviews`,
        browser: 'Safari',
        os: 'iOS',
        utm_source: 'news letter',
        utm_campaign: 'spring',
      },
    });
  });

  it('without _kx the address is sent exactly as the browser has it', () => {
    history.replaceState(null, '', "/search?q=a%20b&x=~'&utm_medium=email");
    const { properties } = activityEvent();
    expect(properties.page).toBe(location.href);
    expect(properties.utm_medium).toBe('email');
  });

  it('referrer: the hostname of another site only', () => {
    referrer('https://www.google.com/search?q=kettle');
    expect(activityEvent().properties.referrer).toBe('www.google.com');
    referrer(`${location.origin}/cart`);
    expect(activityEvent().properties).not.toHaveProperty('referrer');
    referrer('');
    expect(activityEvent().properties).not.toHaveProperty('referrer');
  });

  it('a referrer that is not a URL, or an odd address, throws nothing and leaves no referrer', () => {
    for (const odd of ['not a url', 'http://exa mple.com/', '::', 'about:blank', 'data:text/plain,x']) {
      referrer(odd);
      expect(activityEvent().properties, odd).not.toHaveProperty('referrer');
    }
    history.replaceState(null, '', '/?utm_source=%E0%A4%A&utm_term=%&_kx=%ZZ&utm_content=%F0%9F%98%80');
    expect(activityEvent().properties).toMatchObject({ utm_source: '\uFFFD%A', utm_term: '%', utm_content: '😀' });
    expect(activityEvent().properties.page).not.toContain('_kx');
  });
});

describe('Active on Site from the client', () => {
  it('an identified visitor: one __activity__ at start(), after the queued calls, with the session flags, valid', async () => {
    userAgent(UA.chromeWindows);
    history.replaceState(null, '', '/?utm_source=news');
    const client = recordingClient();
    await client.api.identify({ email: 'known@shop.example' });
    await client.api.track('Viewed Product', { ProductID: '1' });
    expect(activities(client.sent)).toEqual([]);
    client.start();
    await client.api.track('Added to Cart');
    expect(client.sent.map(metricOf)).toEqual(['profiles', 'Viewed Product', '__activity__', 'Added to Cart']);
    const [activity] = activities(client.sent);
    expect(attributesOf(activity).properties).toEqual({
      ...session, page: `${location.origin}/?utm_source=news`, browser: 'Chrome', os: 'Windows', utm_source: 'news',
    });
    expect(attributesOf(activity).profile.data.attributes).toEqual({ email: 'known@shop.example' });
  });

  it('a visitor identified by an earlier page: sent at start() with nothing else called', () => {
    recordingClient().api.identify({ email: 'back@shop.example' });
    const client = recordingClient();
    client.start();
    expect(client.sent.map(metricOf)).toEqual(['__activity__']);
  });

  it('the page where the visitor becomes identified sends it once, after the profile: identify', async () => {
    const client = recordingClient();
    client.start();
    expect(client.sent).toEqual([]);
    await client.api.identify({ email: 'new@shop.example' });
    await client.api.identify({ email: 'new@shop.example', first_name: 'Ada' });
    await client.api.track('Viewed Product');
    expect(client.sent.map(metricOf)).toEqual(['profiles', '__activity__', 'profiles', 'Viewed Product']);
  });

  it('… subscribe', async () => {
    const client = recordingClient();
    client.start();
    await client.api.subscribe({ listId: 'Y6nRLr', email: 'news@shop.example' });
    expect(client.sent.map(metricOf)).toEqual(['subscriptions', '__activity__']);
  });

  it('… a ?_kx= link: page without the token', () => {
    history.replaceState(null, '', '/landing?_kx=KX-TOKEN&utm_campaign=spring');
    const client = recordingClient();
    client.start();
    expect(client.sent.map(metricOf)).toEqual(['__activity__']);
    const attributes = attributesOf(client.sent[0]);
    expect(attributes.properties.page).toBe(`${location.origin}/landing?utm_campaign=spring`);
    expect(attributes.profile.data.attributes).toEqual({ _kx: 'KX-TOKEN' });
  });

  it('… held events (data-hold-anonymous) go before it, with the profile first', async () => {
    const client = recordingClient({ holdAnonymous: true });
    client.start();
    await client.api.track('Viewed Product');
    await client.api.identify({ email: 'held@shop.example' });
    expect(client.sent.map(metricOf)).toEqual(['profiles', 'Viewed Product', '__activity__']);
  });

  it('an anonymous visitor sends nothing; activity: false (data-activity="off") sends none', async () => {
    const anonymous = recordingClient();
    anonymous.start();
    expect(anonymous.sent).toEqual([]);
    const off = recordingClient({ activity: false });
    off.start();
    await off.api.identify({ email: 'off@shop.example' });
    expect(off.sent.map(metricOf)).toEqual(['profiles']);
  });

  it('an opted-out visitor sends none', () => {
    recordingClient().api.identify({ email: 'gone@shop.example' });
    document.cookie = '__kla_off=true; path=/';
    const client = recordingClient();
    client.start();
    expect(client.sent).toEqual([]);
  });

  it('a 1 MB utm_source and a 100 KB user agent: the event still goes, its strings cut to 100 KB', () => {
    userAgent(`${'y'.repeat(1e5)} ${UA.firefoxLinux}`);
    history.replaceState(null, '', `/?utm_source=${'s'.repeat(1e6)}`);
    recordingClient().api.identify({ email: 'big@shop.example' });
    const client = recordingClient();
    client.start();
    const { properties } = attributesOf(activities(client.sent)[0]);
    expect(properties.utm_source).toHaveLength(1e5);
    expect(properties.page).toHaveLength(1e5);
    expect([properties.browser, properties.os]).toEqual(['Firefox', 'Linux']);
  });
});

describe('the session flags on every event', () => {
  it('$use_ip and $is_session_activity, unless the caller set them', async () => {
    const client = recordingClient();
    await client.api.identify({ email: 'flags@shop.example' });
    await client.api.track('Viewed Product', { ProductID: '1' });
    await client.api.track('Server Side Replay', { $use_ip: false, $is_session_activity: false });
    await client.api.viewedProduct({ id: 'K-7', price: 42 });
    expect(attributesOf(client.sent[1]).properties).toEqual({ ...session, ProductID: '1' });
    expect(attributesOf(client.sent[2]).properties).toEqual({ $use_ip: false, $is_session_activity: false });
    expect(attributesOf(client.sent[3]).properties).toMatchObject(session);
  });

  it('never past Klaviyo\'s 400 properties: an event with 399 or more goes without them', async () => {
    const client = recordingClient();
    await client.api.identify({ email: 'wide@shop.example' });
    const wide = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`p${i}`, i]));
    await client.api.track('Wide', wide(398));
    await client.api.track('Wider', wide(450));
    expect(Object.keys(attributesOf(client.sent[1]).properties)).toHaveLength(400);
    expect(attributesOf(client.sent[1]).properties).toMatchObject(session);
    expect(Object.keys(attributesOf(client.sent[2]).properties)).toHaveLength(400);
    expect(attributesOf(client.sent[2]).properties).not.toHaveProperty('$use_ip');
  });
});

describe('a crawler', () => {
  const stored = () => Object.keys(localStorage).concat(Object.keys(sessionStorage));

  it('sends and stores nothing, even with ?_kx=; track resolves false and says why', async () => {
    userAgent(CRAWLERS[0]);
    history.replaceState(null, '', '/?_kx=KX-TOKEN');
    const fake = fakeApi();
    vi.stubGlobal('fetch', fake.fetch);
    const logs: string[] = [];
    const log = { debug: (m: string) => void logs.push(m), warn: () => {}, error: () => {} };
    const client = createClient(withDefaults({ companyId: 'AbC123', log, holdAnonymous: true }));
    client.start();
    const refusal = await client.api.identify({ email: 'bot@shop.example' }).catch((error) => error);
    expect(refusal).toMatchObject({ code: 'opted_out', message: '[klaviyo-lite] identify ignored: a crawler' });
    expect(await client.api.track('Viewed Product')).toBe(false);
    expect(await client.api.subscribe({ listId: 'Y6nRLr', email: 'bot@shop.example' })).toBe(false);
    expect(await client.api.trackViewedItem({ ItemId: 'K-7' })).toBe(false);
    await client.delivery.flush();
    client.delivery.stop();
    expect(logs).toContain('dropped "Viewed Product": a crawler');
    expect(fake.mock).not.toHaveBeenCalled();
    expect(Cookies.get()).toEqual({});
    expect(stored()).toEqual([]);
    expect(await client.api.isIdentified()).toBe(false);
  });
});
