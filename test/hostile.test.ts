// A hostile environment, unit level: cookies and storage that are missing or throw, a fetch that is gone,
// throws or answers garbage, tampered cookies, bad keys, opted-out visitors. The real client and delivery
// run against a fake fetch, so "nothing was sent" means no request left the page.
import Cookies from 'js-cookie';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createClient, withDefaults, type Client, type ClientOptions } from '../src/client/client';
import { KlaviyoLiteError } from '../src/errors';
import { clearCookies, cookieJson } from './helpers/client';
import { fakeApi, mapStorage } from './helpers/fake-api';

const KEY = 'AbC123';
const EMAIL = 'ada.lovelace@shop.example';
const PHONE = '+15005550006';
const EXTERNAL = 'customer-8812';

let clients: Client[] = [];
const restores: Array<() => void> = [];
let errors: ReturnType<typeof vi.spyOn>;

beforeEach(() => {
  clearCookies();
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  vi.setSystemTime(Date.parse('2026-08-01T10:00:00Z'));
  errors = vi.spyOn(console, 'error').mockImplementation(() => {});
});

afterEach(async () => {
  vi.restoreAllMocks();
  for (const client of clients) client.delivery.stop();
  clients = [];
  // A stopped delivery may still be inside a request: let it end before the next test shares the outbox.
  vi.stubGlobal('fetch', async () => new Response(null, { status: 202 }));
  await vi.advanceTimersByTimeAsync(20_000);
  while (restores.length) restores.pop()!();
  vi.useRealTimers();
  clearCookies();
  history.replaceState(null, '', '/');
});

/** The real client and delivery; requests go to a fake Klaviyo behind `fetch`. */
function setup(options: ClientOptions = {}, api = fakeApi()) {
  vi.stubGlobal('fetch', api.fetch);
  const client = createClient(withDefaults({ companyId: KEY, ...options }));
  clients.push(client);
  // Runs due timers (retries), then waits for what they started.
  const run = async (ms = 0) => {
    await vi.advanceTimersByTimeAsync(ms);
    await client.delivery.flush();
  };
  return { api: client.api, delivery: client.delivery, fake: api, run };
}

/** Replaces a property (own or inherited) for this test only. */
function override(target: object, name: string, descriptor: PropertyDescriptor) {
  const own = Object.getOwnPropertyDescriptor(target, name);
  Object.defineProperty(target, name, { configurable: true, ...descriptor });
  restores.push(() => (own ? Object.defineProperty(target, name, own) : delete (target as any)[name]));
}

const securityError = () => new DOMException('The operation is insecure.', 'SecurityError');
const quotaError = () => new DOMException('The quota has been exceeded.', 'QuotaExceededError');

const cookiesNoOp = () => override(document, 'cookie', { get: () => '', set: () => {} });
const cookiesThrow = () =>
  override(document, 'cookie', {
    get: () => {
      throw securityError();
    },
    set: () => {
      throw securityError();
    },
  });

const storageThrowsOnAccess = () => {
  for (const name of ['localStorage', 'sessionStorage'] as const) {
    vi.spyOn(window, name, 'get').mockImplementation(() => {
      throw securityError();
    });
  }
};

type StorageLike = Pick<Storage, 'getItem' | 'setItem' | 'removeItem' | 'clear' | 'key'> & { length: number };

/** window.localStorage and sessionStorage become `change(a working Map-backed storage)`. */
function replaceStorage(change: (real: StorageLike) => StorageLike) {
  for (const name of ['localStorage', 'sessionStorage'] as const) {
    const storage = change(mapStorage());
    vi.spyOn(window, name, 'get').mockImplementation(() => storage as Storage);
  }
}

/** Every klaviyo-lite key in web storage, with its raw value. */
const stored = () => {
  const out: Record<string, string> = {};
  for (const storage of [localStorage, sessionStorage]) {
    for (let i = 0; i < storage.length; i++) {
      const key = storage.key(i)!;
      out[`${storage === localStorage ? 'local' : 'session'}:${key}`] = storage.getItem(key)!;
    }
  }
  return out;
};

const endpoints = (api: ReturnType<typeof fakeApi>) => api.hits.map((h) => h.endpoint);

/** What a call did: resolved value, or the error's code; and never a synchronous throw. */
async function outcome(call: () => Promise<unknown>): Promise<{ value?: unknown; code?: string }> {
  let promise: Promise<unknown>;
  try {
    promise = call();
  } catch (error) {
    throw new Error(`threw synchronously: ${error}`);
  }
  try {
    return { value: await promise };
  } catch (error) {
    expect(error).toBeInstanceOf(KlaviyoLiteError);
    expect((error as Error).message).toMatch(/^\[klaviyo-lite\] /);
    return { code: (error as KlaviyoLiteError).code };
  }
}

// ---------------------------------------------------------------------------------------------------------

describe('cookies disabled', () => {
  it('document.cookie ignores writes: identify still sends the profile, nothing throws', async () => {
    cookiesNoOp();
    const { api, run, fake } = setup();
    expect(await outcome(() => api.identify({ email: EMAIL }))).toEqual({ value: { email: EMAIL } });
    expect(await outcome(() => api.track('Viewed Page'))).toHaveProperty('value');
    expect(await outcome(() => api.isIdentified())).toHaveProperty('value');
    await run();
    expect(endpoints(fake)).toContain('profiles');
  });

  it('document.cookie ignores writes: a visitor identified on this page stays identified on this page', async () => {
    // Safari/Firefox with cookies blocked, embedded webviews: the identity must at least live in memory.
    cookiesNoOp();
    const { api, run, fake } = setup();
    await api.identify({ email: EMAIL });
    expect(await api.isIdentified()).toBe(true);
    expect(await api.track('Viewed Page')).toBe(true);
    await run();
    expect(endpoints(fake)).toEqual(['profiles', 'events']);
    expect(fake.hits[1].body.data.attributes.profile.data.attributes).toEqual({ email: EMAIL });
  });

  it('document.cookie throws (sandboxed iframe): identify and track settle without code "internal" and still deliver', async () => {
    cookiesThrow();
    const { api, run, fake } = setup();
    const identified = await outcome(() => api.identify({ email: EMAIL }));
    const tracked = await outcome(() => api.track('Viewed Page'));
    const checked = await outcome(() => api.isIdentified());
    expect([identified.code, tracked.code, checked.code]).toEqual([undefined, undefined, undefined]);
    await run();
    expect(endpoints(fake)).toEqual(['profiles', 'events']);
  });

  it('document.cookie throws and the landing URL has ?_kx=: creating the client does not throw', () => {
    history.replaceState(null, '', '/?_kx=kx-token');
    cookiesThrow();
    // No company id: should creating the client fail half-way, its leftover delivery can never send.
    expect(() => setup({ companyId: undefined })).not.toThrow();
  });
});

describe('web storage disabled or full', () => {
  it('localStorage and sessionStorage throw on access: everything still delivers, from memory', async () => {
    storageThrowsOnAccess();
    const fake = fakeApi();
    const { api, run } = setup({ holdAnonymous: true }, fake);
    expect(await outcome(() => api.track('Viewed Page'))).toEqual({ value: true }); // held in memory
    expect(await outcome(() => api.trackViewedItem({ ItemId: 'K-7', Title: 'Kettle' }))).toEqual({ value: false });
    expect(await outcome(() => api.identify({ email: EMAIL }))).toEqual({ value: { email: EMAIL } });
    expect(await outcome(() => api.track('Added to Cart', { $value: 3 }))).toEqual({ value: true });
    await run();
    expect(endpoints(fake).sort()).toEqual(['event-bulk-create', 'profiles']);
    const bulk = fake.hits.find((h) => h.endpoint === 'event-bulk-create')!;
    expect(bulk.body.data.attributes.events.data.map((e: any) => e.attributes.metric.data.attributes.name)).toEqual([
      'Viewed Page', 'Added to Cart',
    ]);
  });

  it('setItem throws QuotaExceededError: requests are kept in memory and delivered', async () => {
    const setItem = vi.fn((_key: string, _value: string) => {
      throw quotaError();
    });
    replaceStorage((real) => ({ ...real, setItem }));
    const fake = fakeApi();
    const { api, run } = setup({ holdAnonymous: true }, fake);
    expect(await outcome(() => api.track('Viewed Page'))).toEqual({ value: true });
    expect(await outcome(() => api.trackViewedItem({ ItemId: 'K-7' }))).toEqual({ value: false });
    expect(await outcome(() => api.identify({ email: EMAIL }))).toHaveProperty('value');
    await run();
    expect(setItem).toHaveBeenCalled();
    expect(endpoints(fake)).toEqual(['profiles', 'events']);
  });

  it('getItem throws: requests are kept in memory and delivered', async () => {
    replaceStorage((real) => ({
      ...real,
      getItem: () => {
        throw securityError();
      },
    }));
    const fake = fakeApi();
    const { api, run } = setup({}, fake);
    expect(await outcome(() => api.identify({ email: EMAIL }))).toHaveProperty('value');
    expect(await outcome(() => api.track('Viewed Page'))).toEqual({ value: true });
    expect(await outcome(() => api.trackViewedItem({ ItemId: 'K-7' }))).toEqual({ value: false });
    await run();
    expect(endpoints(fake).sort()).toEqual(['events', 'profiles']);
  });
});

describe('fetch missing, throwing or answering garbage', () => {
  const garbage: Array<[string, () => unknown]> = [
    ['missing', () => undefined],
    ['not a function', () => 'fetch'],
    ['throws synchronously', () => () => {
      throw new Error('patched by an analytics script');
    }],
    ['returns undefined', () => () => undefined],
    ['returns 42', () => () => 42],
    ['resolves to null', () => async () => null],
    ['resolves to {}', () => async () => ({})],
    ['resolves to { status: "202" }', () => async () => ({ status: '202', headers: {} })],
    ['rejects with a string', () => () => Promise.reject('nope')],
    ['returns a thenable that throws', () => () => ({ then: () => { throw new Error('then'); } })],
  ];
  for (const [name, make] of garbage) {
    it(`fetch ${name}: calls settle, nothing throws, the request is kept and delivered once fetch works`, async () => {
      const fake = fakeApi();
      const { api, run, delivery } = setup({}, fake);
      vi.stubGlobal('fetch', make());
      expect(await outcome(() => api.identify({ email: EMAIL }))).toHaveProperty('value');
      expect(await outcome(() => api.track('Viewed Page'))).toEqual({ value: true });
      await run();
      await run(1_000);
      expect(delivery.pending()).toBeGreaterThan(0);
      expect(fake.hits).toEqual([]);
      vi.stubGlobal('fetch', fake.fetch);
      await run(60_000);
      await run(60_000);
      expect(endpoints(fake)).toEqual(['profiles', 'events']);
      expect(delivery.pending()).toBe(0);
    });
  }

  it('fetch that never answers: the request is abandoned after the timeout and retried', async () => {
    const fake = fakeApi();
    const { api, run, delivery } = setup({}, fake);
    vi.stubGlobal('fetch', () => new Promise(() => {}));
    await api.identify({ email: EMAIL });
    await vi.advanceTimersByTimeAsync(11_000);
    vi.stubGlobal('fetch', fake.fetch);
    await run(20_000);
    await run(60_000);
    expect(endpoints(fake)).toEqual(['profiles']);
    expect(delivery.pending()).toBe(0);
  });

  it('a page that wraps fetch after the script loaded: the wrapper is used', async () => {
    const fake = fakeApi();
    const { api, run } = setup({}, fake);
    let calls = 0;
    vi.stubGlobal('fetch', (...args: Parameters<typeof fetch>) => (calls++, fake.fetch(...args)));
    await api.identify({ email: EMAIL });
    await run();
    expect(calls).toBe(1);
    expect(fake.hits).toHaveLength(1);
  });
});

describe('a tampered __kla_id cookie', () => {
  const b64 = (text: string) => btoa(text);
  const tampered: Array<[string, string]> = [
    ['not base64', 'not base64!!%%'],
    ['base64 of text', b64('hello world')],
    ['base64 of a JSON array', b64('["a@b.co"]')],
    ['base64 of JSON null', b64('null')],
    ['base64 of a JSON string', b64('"a@b.co"')],
    ['base64 of JSON with non-string identifiers', b64(JSON.stringify({ $email: { a: 1 }, $phone_number: 5, $id: [] }))],
    ['base64 of JSON with __proto__', b64('{"__proto__": {"polluted": "yes"}, "constructor": {"prototype": {"polluted": "yes"}}}')],
    ['huge', 'A'.repeat(3_900)],
    ['huge and truncated base64', b64(JSON.stringify({ $email: EMAIL, pad: 'x'.repeat(2_000) })).slice(0, 1_999)],
  ];
  for (const [name, value] of tampered) {
    it(`${name}: starts fresh, no crash, nothing sent for the anonymous visitor`, async () => {
      document.cookie = `__kla_id=${value}; path=/`;
      const fake = fakeApi();
      const { api, run } = setup({}, fake);
      expect(await outcome(() => api.isIdentified())).toEqual({ value: false });
      expect(await outcome(() => api.track('Viewed Page'))).toEqual({ value: false });
      expect((({}) as any).polluted).toBeUndefined();
      expect(await outcome(() => api.identify({ email: EMAIL }))).toEqual({ value: { email: EMAIL } });
      expect(cookieJson()).toMatchObject({ cid: expect.any(String), $email: EMAIL });
      expect(typeof cookieJson().cid).toBe('string');
      await run();
      expect(endpoints(fake)).toEqual(['profiles']);
    });
  }

  const invalid: Array<[string, Record<string, unknown>]> = [
    ['an email that is not one', { $email: 'not-an-email' }],
    ['a phone that is not E.164', { $email: EMAIL, $phone_number: '(212) 555-0142' }],
    ['an external id longer than 64 characters', { $id: 'x'.repeat(300) }],
  ];
  for (const [name, stored] of invalid) {
    it(`holding ${name}: no request that Klaviyo would refuse is sent`, async () => {
      document.cookie = `__kla_id=${btoa(JSON.stringify({ cid: 'c1', ...stored }))}; path=/`;
      const fake = fakeApi();
      const { api, run } = setup({}, fake);
      await outcome(() => api.track('Viewed Page'));
      await run();
      for (const hit of fake.hits) {
        const profile = hit.body.data.attributes.profile.data.attributes;
        if ('email' in profile) expect(profile.email).toMatch(/^[^\s@]+@[^\s@]+\.[^\s@]+$/);
        if ('phone_number' in profile) expect(profile.phone_number).toMatch(/^\+[1-9]\d{1,14}$/);
        if ('external_id' in profile) expect(profile.external_id.length).toBeLessThanOrEqual(64);
      }
    });
  }
});

describe('company_id missing, invalid or private', () => {
  const bad: Array<[string, string | undefined]> = [
    ['missing', undefined],
    ['empty', ''],
    ['five characters', 'AbC12'],
    ['seven characters', 'AbC1234'],
    ['with a space', 'AbC12 '],
    ['with markup', '<img>1'],
    ['a private key', 'pk_0123456789abcdef0123456789abcdef01'],
    ['a private key, upper case', 'PK_0123456789ABCDEF'],
  ];
  for (const [name, companyId] of bad) {
    it(`${name}: a console error, and no request ever leaves`, async () => {
      const fake = fakeApi();
      const { api, run } = setup({ companyId }, fake);
      await outcome(() => api.identify({ email: EMAIL }));
      await outcome(() => api.track('Viewed Page'));
      await outcome(() => api.subscribe({ listId: 'Y6nRLr', email: EMAIL }));
      await run();
      await run(60_000);
      await run(3_600_000);
      window.dispatchEvent(new Event('pagehide'));
      await run();
      expect(fake.hits.map((h) => `${h.endpoint}?company_id=${h.companyId}`)).toEqual([]);
      expect(errors).toHaveBeenCalled();
      expect(String(errors.mock.calls[0][0])).toMatch(/^\[klaviyo-lite\] /);
      if (companyId && /^pk_/i.test(companyId)) {
        expect(errors.mock.calls.flat().join(' ')).not.toContain(companyId); // the secret is not echoed back
      }
    });
  }

  it('account() with a private key later does not replace a good key, and nothing goes out with it', async () => {
    const fake = fakeApi();
    const { api, run } = setup({}, fake);
    expect(await api.account('pk_0123456789abcdef')).toBe(KEY);
    await api.identify({ email: EMAIL });
    await run();
    expect(fake.hits.map((h) => h.companyId)).toEqual([KEY]);
  });
});

describe('opted out', () => {
  it('__kla_off=true: nothing is sent, nothing about the visitor is stored', async () => {
    history.replaceState(null, '', '/?_kx=kx-token');
    document.cookie = '__kla_off=true; path=/';
    const fake = fakeApi();
    const { api, run } = setup({ holdAnonymous: true }, fake);
    expect(await outcome(() => api.identify({ email: EMAIL }))).toEqual({ code: 'opted_out' });
    expect(await outcome(() => api.track('Viewed Page'))).toEqual({ value: false });
    expect(await outcome(() => api.viewedProduct({ id: 'K-7', price: 42 }))).toEqual({ value: false });
    expect(await outcome(() => api.subscribe({ listId: 'Y6nRLr', email: EMAIL }))).toEqual({ value: false });
    await run();
    expect(fake.mock).not.toHaveBeenCalled();
    expect(Cookies.get('__kla_id')).toBeUndefined();
    expect(stored()).toEqual({});
  });

  it('__kla_off=true: trackViewedItem stores nothing either', async () => {
    document.cookie = '__kla_off=true; path=/';
    const { api } = setup();
    expect(await api.trackViewedItem({ ItemId: 'K-7', Title: 'Kettle' })).toBe(false);
    expect(stored()).toEqual({});
  });

  it('optOut() clears the cookie, the outbox and held events; optIn() starts an anonymous visitor', async () => {
    const fake = fakeApi();
    // No answer yet: the profile and event wait in the outbox.
    const { api, run, delivery } = setup({ holdAnonymous: true }, fakeApi(() => 'hang'));
    await api.track('Held while anonymous');
    await api.identify({ email: EMAIL });
    await api.track('Viewed Page');
    await vi.advanceTimersByTimeAsync(0);
    expect(Object.keys(stored()).some((k) => k.startsWith('local:__kla_outbox.'))).toBe(true);
    expect(await api.optOut()).toBe(true);
    expect(Cookies.get('__kla_id')).toBeUndefined();
    expect(Cookies.get('__kla_off')).toBe('true');
    expect(Object.keys(stored()).filter((k) => k.startsWith('local:__kla_outbox'))).toEqual([]);
    expect(sessionStorage.getItem('__kla_held')).toBeNull();
    expect(delivery.pending()).toBe(0);
    expect(await api.track('After opt-out')).toBe(false);

    expect(await api.optIn()).toBe(true);
    expect(Cookies.get('__kla_off')).toBeUndefined();
    expect(await api.isIdentified()).toBe(false);
    vi.stubGlobal('fetch', fake.fetch);
    await run(60_000);
    await run(60_000);
    expect(fake.hits).toEqual([]);
  });

  it('optOut() also forgets the recently viewed items kept on this device', async () => {
    const { api } = setup();
    await api.trackViewedItem({ ItemId: 'K-7', Title: 'Kettle' });
    expect(localStorage.getItem('__kla_viewed')).not.toBeNull();
    await api.optOut();
    expect(localStorage.getItem('__kla_viewed')).toBeNull();
  });
});

describe('Global Privacy Control', () => {
  const gpc = (value: boolean) => override(navigator, 'globalPrivacyControl', { get: () => value });

  it('respectGpc + navigator.globalPrivacyControl: treated as opted out, nothing sent or stored', async () => {
    history.replaceState(null, '', '/?_kx=kx-token');
    gpc(true);
    const fake = fakeApi();
    const { api, run } = setup({ respectGpc: true }, fake);
    expect(await outcome(() => api.identify({ email: EMAIL }))).toEqual({ code: 'opted_out' });
    expect(await outcome(() => api.track('Viewed Page'))).toEqual({ value: false });
    expect(await outcome(() => api.subscribe({ listId: 'Y6nRLr', email: EMAIL }))).toEqual({ value: false });
    await run();
    expect(fake.mock).not.toHaveBeenCalled();
    expect(Cookies.get('__kla_id')).toBeUndefined();
    expect(stored()).toEqual({});
  });

  it('respectGpc + GPC: trackViewedItem stores nothing either', async () => {
    gpc(true);
    const { api } = setup({ respectGpc: true });
    expect(await api.trackViewedItem({ ItemId: 'K-7' })).toBe(false);
    expect(stored()).toEqual({});
  });

  it('GPC is only honoured when the store asks for it', async () => {
    gpc(true);
    const fake = fakeApi();
    const { api, run } = setup({}, fake);
    await api.identify({ email: EMAIL });
    await run();
    expect(endpoints(fake)).toEqual(['profiles']);
  });
});

describe('no personal data where it does not belong', () => {
  const pii = [EMAIL, PHONE, EXTERNAL, 'Ada', encodeURIComponent(EMAIL), encodeURIComponent(PHONE), btoa(EMAIL)];

  it('request URLs carry only the company id; headers carry nothing about the visitor', async () => {
    const fake = fakeApi();
    const { api, run } = setup({}, fake);
    const urls: string[] = [];
    const headers: string[] = [];
    vi.stubGlobal('fetch', (input: RequestInfo | URL, init?: RequestInit) => {
      const request = input instanceof Request ? input : undefined;
      urls.push(request ? request.url : String(input));
      headers.push(JSON.stringify([...new Headers(request ? request.headers : init?.headers)]));
      return fake.fetch(input, init);
    });
    await api.identify({ email: EMAIL, phone_number: PHONE, external_id: EXTERNAL, first_name: 'Ada' });
    await api.track('Viewed Page', { Email: EMAIL });
    await api.subscribe({ listId: 'Y6nRLr', email: EMAIL });
    await run();
    // The keepalive path, as the page goes away.
    await api.track('Left');
    window.dispatchEvent(new Event('pagehide'));
    await run();
    expect(urls.length).toBeGreaterThanOrEqual(4);
    for (const url of urls) {
      const parsed = new URL(url);
      expect(parsed.origin + parsed.pathname).toMatch(/^https:\/\/a\.klaviyo\.com\/client\/[a-z-]+$/);
      expect([...parsed.searchParams.keys()]).toEqual(['company_id']);
      expect(parsed.searchParams.get('company_id')).toBe(KEY);
      expect(parsed.hash).toBe('');
      for (const text of pii) expect(url).not.toContain(text);
    }
    for (const text of pii) expect(headers.join(' ')).not.toContain(text);
    expect(fake.hits.some((h) => h.keepalive)).toBe(true);
  });

  it('web storage holds personal data only in queued requests, and none once they are delivered', async () => {
    const fake = fakeApi(() => 'hang');
    const { api, run } = setup({ holdAnonymous: true }, fake);
    await api.track('Viewed Page', { Path: '/' });
    await api.trackViewedItem({ ItemId: 'K-7', Title: 'Kettle' });
    await api.identify({ email: EMAIL, phone_number: PHONE, external_id: EXTERNAL, first_name: 'Ada' });
    await api.track('Added to Cart', { $value: 3 });
    await vi.advanceTimersByTimeAsync(0);
    const pending = stored();
    expect(Object.keys(pending).map((k) => k.replace(/^(local:__kla_outbox)\..*/, '$1')).sort()).toEqual(['local:__kla_outbox', 'local:__kla_viewed']);
    for (const [key, value] of Object.entries(pending)) {
      if (key.startsWith('local:__kla_outbox')) continue;
      for (const text of pii) expect(value, key).not.toContain(text);
    }
    // Delivered: the outbox forgets the visitor.
    const good = fakeApi();
    vi.stubGlobal('fetch', good.fetch);
    await run(20_000);
    await run(60_000);
    expect(good.hits.length).toBeGreaterThan(0);
    for (const [key, value] of Object.entries(stored())) for (const text of pii) expect(value, key).not.toContain(text);
  });

  it('events held for an anonymous visitor live in sessionStorage only, and are dropped after 30 minutes', async () => {
    const fake = fakeApi();
    const { api, run } = setup({ holdAnonymous: true }, fake);
    for (let i = 0; i < 60; i++) await api.track('Viewed Page', { i });
    const held = JSON.parse(sessionStorage.getItem('__kla_held')!);
    expect(held).toHaveLength(50);
    expect(Object.keys(stored())).toEqual(['session:__kla_held']);
    vi.setSystemTime(Date.now() + 31 * 60_000);
    await api.identify({ email: EMAIL });
    await run();
    expect(endpoints(fake)).toEqual(['profiles']);
    expect(sessionStorage.getItem('__kla_held')).toBeNull();
  });
});
