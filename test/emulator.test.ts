// @vitest-environment node
// The local client-API emulator, over real HTTP.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator, type EmulatorRecord } from '../demo-site/emulator/server.mjs';
import { backInStockBody, bulkBody, edit, eventBody, validBodies } from './helpers/bodies';
import { requestExamples } from './fixtures/request-examples';
import { expectValidBody, officialSpecAvailable, readSharedJson } from './helpers/spec';

let emulator: Emulator;
let company = 0;
/** A fresh public key per test keeps rate windows and dedupe apart. */
const key = () => `Test${String(++company).padStart(2, '0')}`;

type Options = { company?: string; headers?: Record<string, string | null>; raw?: string; path?: string };

function post(endpoint: string, body: unknown, { company = key(), headers = {}, raw, path }: Options = {}) {
  const all: Record<string, string | null> = {
    revision: '2026-07-15',
    'content-type': 'application/vnd.api+json',
    origin: 'http://shop.test',
    ...headers,
  };
  const sent = Object.fromEntries(Object.entries(all).filter((entry): entry is [string, string] => entry[1] !== null));
  const url = `${emulator.url}${path ?? `/client/${endpoint}`}?company_id=${company}`;
  return fetch(url, { method: 'POST', headers: sent, body: raw ?? JSON.stringify(body) });
}

const admin = (path: string, init?: RequestInit) => fetch(`${emulator.url}/__emulator/${path}`, init);
const last = (): EmulatorRecord => emulator.requests().at(-1)!;
const errorsOf = async (response: Response) => ((await response.json()) as { errors: any[] }).errors;

beforeAll(async () => {
  emulator = await startEmulator({
    quiet: true,
    limits: { 'back-in-stock-subscriptions': { burst: 3 }, profiles: { burst: 100, steady: 2 } },
  });
});
afterAll(() => emulator.close());
afterEach(() => emulator.setFaults([]));

describe('accepts', () => {
  it.each(Object.entries(validBodies))('a valid %s body with 202 and an empty body', async (endpoint, body) => {
    expectValidBody(endpoint, body());
    const response = await post(endpoint, body());
    expect(response.status).toBe(202);
    expect(await response.text()).toBe('');
    expect(last()).toMatchObject({ endpoint, status: 202, verdict: 'accepted' });
  });

  it('the example body of every endpoint', async () => {
    for (const [name, endpoint, body] of requestExamples) expect((await post(endpoint, body)).status, name).toBe(202);
  });

  it('a trailing slash and application/json', async () => {
    const response = await post('events', eventBody(), {
      path: '/client/events/',
      headers: { 'content-type': 'application/json; charset=utf-8' },
    });
    expect(response.status).toBe(202);
    expect(response.headers.get('access-control-allow-origin')).toBe('http://shop.test');
    expect(response.headers.get('access-control-expose-headers')).toMatch(/retry-after/i);
  });
});

describe('refuses', () => {
  it('a body against the schema, with a pointer to the field', async () => {
    const response = await post('events', eventBody('Viewed Product', { email: 42 }));
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/vnd.api+json');
    const [error] = await errorsOf(response);
    expect(error).toMatchObject({
      status: 400,
      code: 'invalid',
      source: { pointer: '/data/attributes/profile/data/attributes/email' },
    });
    expect(error.id).toEqual(expect.any(String));
    expect(error.detail).toMatch(/email/);
    expect(last()).toMatchObject({ status: 400, verdict: 'invalid', metric: 'Viewed Product' });
  });

  it('what Klaviyo refuses beyond the schema: no identifier, a bad phone', async () => {
    const anonymous = await post('events', eventBody('Viewed Product', { first_name: 'Ada' }));
    expect((await errorsOf(anonymous))[0].source.pointer).toBe('/data/attributes/profile/data/attributes');
    const phone = await post('profiles', { data: { type: 'profile', attributes: { phone_number: '(212) 555-0142' } } });
    expect((await errorsOf(phone))[0].source.pointer).toBe('/data/attributes/phone_number');
  });

  it('a missing or malformed company_id', async () => {
    for (const company of ['', 'pk_0123456789', 'AbC12']) {
      const response = await post('events', eventBody(), { company });
      expect(response.status, company).toBe(400);
      expect((await errorsOf(response))[0].source).toEqual({ parameter: 'company_id' });
    }
    const response = await fetch(`${emulator.url}/client/events`, { method: 'POST', body: '{}' });
    expect((await errorsOf(response))[0].source).toEqual({ parameter: 'company_id' });
  });

  it('a missing or malformed revision', async () => {
    for (const revision of [null, 'latest', '2026-7-15']) {
      const response = await post('events', eventBody(), { headers: { revision } });
      expect(response.status, String(revision)).toBe(400);
      expect((await errorsOf(response))[0].source).toEqual({ parameter: 'revision' });
    }
    expect((await post('events', eventBody(), { headers: { revision: '2026-07-15.pre' } })).status).toBe(202);
  });

  it('another content type with 415, and text that is not JSON with 400', async () => {
    const plain = await post('events', eventBody(), { headers: { 'content-type': 'text/plain' } });
    expect(plain.status).toBe(415);
    const broken = await post('events', undefined, { raw: '{"data":' });
    expect(broken.status).toBe(400);
    expect((await errorsOf(broken))[0].code).toBe('parse_error');
    expect(last().body).toBe('{"data":');
  });

  it('unknown endpoints and other methods', async () => {
    expect((await post('push-tokens', {})).status).toBe(404);
    const get = await fetch(`${emulator.url}/client/events?company_id=AbC123`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST, OPTIONS');
  });
});

it('answers a preflight like a cross-origin API', async () => {
  const response = await fetch(`${emulator.url}/client/events?company_id=AbC123`, {
    method: 'OPTIONS',
    headers: {
      origin: 'http://shop.test',
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type, revision, x-trace',
    },
  });
  expect(response.status).toBe(204);
  expect(response.headers.get('access-control-allow-origin')).toBe('http://shop.test');
  expect(response.headers.get('access-control-allow-methods')).toBe('POST, OPTIONS');
  expect(response.headers.get('access-control-allow-headers')).toBe('content-type, revision, x-trace');
  expect(Number(response.headers.get('access-control-max-age'))).toBeGreaterThan(0);
  expect(emulator.requests().some((record) => record.method === 'OPTIONS')).toBe(false);
});

describe('counts each event once', () => {
  it('by profile, metric and unique_id', async () => {
    const company = key();
    expect((await post('events', eventBody(), { company })).status).toBe(202);
    expect((await post('events', eventBody(), { company })).status).toBe(202);
    expect(last()).toMatchObject({ verdict: 'duplicate', duplicate: true, uniqueIds: [eventBody().data.attributes.unique_id] });
    await post('events', eventBody('Viewed Product', { email: 'grace@example.com' }), { company });
    expect(last()).toMatchObject({ verdict: 'accepted', profile: { email: 'grace@example.com' } });
    await post('events', edit(eventBody(), (b) => (b.data.attributes.unique_id = 'other')), { company });
    expect(last().verdict).toBe('accepted');
  });

  it('in bulk, entry by entry', async () => {
    const company = key();
    await post('event-bulk-create', bulkBody(['a', 'b']), { company });
    expect(last()).toMatchObject({ verdict: 'accepted', metrics: ['Viewed Product', 'Added to Cart'], uniqueIds: ['a', 'b'] });
    await post('event-bulk-create', bulkBody(['a', 'c']), { company });
    expect(last()).toMatchObject({ status: 202, verdict: 'accepted', duplicate: true, duplicates: 1 });
  });

  it('and fails a bulk request that repeats a unique_id', async () => {
    const response = await post('event-bulk-create', bulkBody(['x', 'y', 'x']));
    expect(response.status).toBe(400);
    const [error] = await errorsOf(response);
    expect(error.source.pointer).toBe('/data/attributes/events/data/2/attributes/unique_id');
    expect(last().verdict).toBe('invalid');
  });
});

describe('rate limits', () => {
  it('a burst with 429, Retry-After and a throttled error', async () => {
    const company = key();
    for (let i = 0; i < 3; i++) await post('back-in-stock-subscriptions', backInStockBody(), { company });
    const response = await post('back-in-stock-subscriptions', backInStockBody(), { company });
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(response.headers.get('access-control-allow-origin')).toBe('http://shop.test');
    expect((await errorsOf(response))[0].code).toBe('throttled');
    expect(last()).toMatchObject({ verdict: 'throttled', status: 429 });
    expect((await post('back-in-stock-subscriptions', backInStockBody())).status).toBe(202); // another key
  });

  it('the steady rate, until the minute frees', async () => {
    const company = key();
    await post('profiles', validBodies.profiles(), { company });
    await post('profiles', validBodies.profiles(), { company });
    const response = await post('profiles', validBodies.profiles(), { company });
    expect(response.status).toBe(429);
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(59);
  });

  it.skipIf(!officialSpecAvailable)("by default at the spec's published limits", async () => {
    const plain = await startEmulator({ quiet: true });
    const { limits } = await (await fetch(`${plain.url}/__emulator/health`)).json();
    await plain.close();
    const spec = readSharedJson('klaviyo/client-openapi.json');
    for (const [endpoint, limit] of Object.entries<any>(limits)) {
      const published = spec.paths[`/client/${endpoint}`].post['x-klaviyo-ratelimit'];
      expect(limit, endpoint).toEqual({ burst: parseInt(published.burst), steady: parseInt(published.steady) });
    }
  });
});

describe('faults', () => {
  it('are consumed in order, drop included', async () => {
    const faults = [{ status: 429, retryAfter: 2 }, { status: 503 }, { drop: true }, { delayMs: 60 }];
    expect((await admin('faults', { method: 'POST', body: JSON.stringify(faults) })).status).toBe(200);
    expect(await (await admin('faults')).json()).toHaveLength(4);

    const throttled = await post('events', eventBody());
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBe('2');
    expect((await post('events', eventBody())).status).toBe(503);
    await expect(post('events', eventBody())).rejects.toThrow();
    expect(last()).toMatchObject({ status: 0, verdict: 'fault', fault: { drop: true } });
    const started = Date.now();
    expect((await post('events', eventBody())).status).toBe(202);
    expect(Date.now() - started).toBeGreaterThanOrEqual(50);
    expect(await (await admin('faults')).json()).toEqual([]);
  });

  it('can target one endpoint and repeat', async () => {
    emulator.setFaults([{ endpoint: 'profiles', status: 500, times: 2 }]);
    expect((await post('events', eventBody())).status).toBe(202);
    expect((await post('profiles', validBodies.profiles())).status).toBe(500);
    expect((await post('profiles', validBodies.profiles())).status).toBe(500);
    expect((await post('profiles', validBodies.profiles())).status).toBe(202);
  });

  it('are checked when set', async () => {
    const response = await admin('faults', { method: 'POST', body: '[{"status":"soon"}]' });
    expect(response.status).toBe(400);
    expect(() => emulator.setFaults([{ times: 0, drop: true }])).toThrow(/times/);
  });

  it('include an outage that drops every request for a while', async () => {
    await admin('offline', { method: 'POST', body: JSON.stringify({ ms: 150 }) });
    await expect(post('events', eventBody())).rejects.toThrow();
    expect(last()).toMatchObject({ verdict: 'fault', fault: { offline: true } });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await post('events', eventBody())).status).toBe(202);
  });
});

describe('records', () => {
  it('every client request, served as JSON since a seq, and resets', async () => {
    const before = last().seq;
    await post('events', eventBody(), { company: 'Rec001' });
    const records = await (await admin(`requests?since=${before}`)).json();
    expect(records).toEqual([
      {
        seq: before + 1,
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        method: 'POST',
        path: '/client/events',
        endpoint: 'events',
        companyId: 'Rec001',
        revision: '2026-07-15',
        contentType: 'application/vnd.api+json',
        origin: 'http://shop.test',
        body: eventBody(),
        metric: 'Viewed Product',
        profile: { email: 'ada@example.com' },
        uniqueIds: [eventBody().data.attributes.unique_id],
        status: 202,
        verdict: 'accepted',
      },
    ]);
    expect((await admin('requests', { method: 'DELETE' })).status).toBe(200);
    expect(emulator.requests()).toEqual([]);
    await post('events', eventBody(), { company: 'Rec001' });
    expect(last().verdict).toBe('accepted'); // dedupe memory went with the reset
  });

  it('stream to Server-Sent Events listeners', async () => {
    const controller = new AbortController();
    const response = await admin('stream', { signal: controller.signal });
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    await post('events', eventBody('Streamed'));
    let text = '';
    while (!/data: .*\n\n/.test(text)) text += (await reader.read()).value;
    controller.abort();
    const record = JSON.parse(/data: (.*)\n\n/.exec(text)![1]);
    expect(record).toMatchObject({ endpoint: 'events', metric: 'Streamed', verdict: 'accepted' });
  });

  it('answer health checks', async () => {
    expect(await (await admin('health')).json()).toMatchObject({ ok: true, offlineUntil: null });
  });
});
