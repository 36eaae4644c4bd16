// Every record keeps its account: two stores sharing one origin never see each other's events.
import { describe, expect, test, vi } from 'vitest';
import { event, fakeApi, mapStorage, profile, uniqueIds } from './helpers/fake-api';
import { OUTBOX, outboxKeys, setup, useDeliveryHarness } from './helpers/delivery';

useDeliveryHarness();

const UK = { companyId: () => 'UKuk12', apiBase: 'https://uk.proxy.example' };
const US = { companyId: () => 'USus12', apiBase: 'https://a.klaviyo.com' };
const sentAs = (hits: ReturnType<typeof fakeApi>['hits']) => hits.map((h) => [uniqueIds(h)[0] ?? h.endpoint, h.companyId, h.base]);

describe('every record keeps its account', () => {
  test("a page of another store adopts a released key and sends its records under their own company_id and API base", async () => {
    const storage = mapStorage();
    const uk = setup({ storage, api: fakeApi(() => 'hang'), ...UK });
    uk.delivery.send(event('ada', 'uk1'));
    uk.delivery.send(profile('bob'));
    await vi.advanceTimersByTimeAsync(0); // uk1 in flight, never answered
    window.dispatchEvent(new Event('pagehide'));
    uk.delivery.stop();
    const us = setup({ storage, ...US });
    us.delivery.send(event('ada', 'us1'));
    await us.run(1100);
    expect(sentAs(us.api.hits)).toEqual([
      ['uk1', 'UKuk12', 'https://uk.proxy.example'],
      ['profiles', 'UKuk12', 'https://uk.proxy.example'],
      ['us1', 'USus12', 'https://a.klaviyo.com'],
    ]);
    expect(outboxKeys(storage)).toEqual([]);
  });

  test('one visitor, two accounts on one page: events are never folded into one request across accounts', async () => {
    let id = 'UKuk12';
    const { delivery, api, run } = setup({ companyId: () => id });
    delivery.send(event('ada', 'a1'));
    delivery.send(event('ada', 'a2'));
    id = 'USus12';
    delivery.send(event('ada', 'a3'));
    await run();
    expect(api.hits.map((h) => [uniqueIds(h), h.companyId])).toEqual([
      [['a1', 'a2'], 'UKuk12'],
      [['a3'], 'USus12'],
    ]);
  });

  test("requests queued before the page's account is known go under the account it sets", async () => {
    let id: string | undefined;
    const { delivery, api, run } = setup({ companyId: () => id });
    delivery.send(event('ada', 'a1'));
    await run(1000);
    id = 'UKuk12';
    await run();
    expect(api.hits.map((h) => [uniqueIds(h), h.companyId])).toEqual([[['a1'], 'UKuk12']]);
  });

  test('records of the earlier format, with no account, are dropped with a debug line, never sent under this page\'s key', async () => {
    const storage = mapStorage();
    const body = event('ada', 'old').body;
    const legacy = { id: 'x.1', endpoint: 'events', body, key: 'ada', uid: 'old', tries: 0, at: 0 };
    storage.setItem(`${OUTBOX}.x`, JSON.stringify({ alive: 0, records: [legacy] }));
    storage.setItem(OUTBOX, JSON.stringify([{ ...legacy, id: 'y.1' }]));
    const { delivery, api, log, run } = setup({ storage, ...US });
    delivery.send(event('bob', 'new'));
    await run(60_000);
    expect(api.hits.flatMap(uniqueIds)).toEqual(['new']);
    // One line per key: the legacy shared key and a page's.
    expect(log.debug.mock.calls.map((c) => c[0]).filter((m) => /dropped 1 stored request\(s\) of no account/.test(m))).toHaveLength(2);
    expect(outboxKeys(storage)).toEqual([]);
  });
});
