// placedOrder, track('Order Completed') and GA4 purchase through the client: what reaches the API.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createClient, withDefaults } from '../src/client/client';
import { KlaviyoLiteError } from '../src/errors';
import { attributesOf, clearCookies, recordingClient } from './helpers/client';
import { setup, useDeliveryHarness } from './helpers/delivery';
import { uniqueIds } from './helpers/fake-api';

const order = {
  id: 'R-1001',
  currency: 'USD',
  items: [
    { id: 'a', name: 'Kettle', price: 30, quantity: 1 },
    { name: 'Gift wrap', price: 2 },
    { sku: 'MUG', name: 'Mug', price: 4, quantity: 2 },
    { id: 'a', name: 'Kettle', price: 30, quantity: 1 },
  ],
};

const identified = async (options = {}) => {
  const client = recordingClient(options);
  await client.api.identify({ email: 'buyer@shop.example' });
  client.sent.length = 0;
  return client;
};

const events = (sent: ReturnType<typeof recordingClient>['sent']) =>
  sent.map((r) => [attributesOf(r).metric.data.attributes.name, attributesOf(r).unique_id, attributesOf(r).value]);

describe('placedOrder through the client', () => {
  beforeEach(clearCookies);

  it('queues Placed Order, then one Ordered Product per identifiable line, each with its unique_id and value', async () => {
    const { api, sent, logs } = await identified();
    expect(await api.placedOrder(order)).toBe(true);
    expect(events(sent)).toEqual([
      ['Placed Order', 'R-1001', 70],
      ['Ordered Product', 'R-1001_a', 30],
      ['Ordered Product', 'R-1001_MUG', 8],
      ['Ordered Product', 'R-1001_a_2', 30],
    ]);
    expect(sent.every((r) => r.endpoint == 'events' && r.profileKey == sent[0].profileKey)).toBe(true);
    expect(attributesOf(sent[0]).properties.Items).toHaveLength(4);
    expect(attributesOf(sent[1]).value_currency).toBe('USD');
    expect(logs).toContain('debug: no Ordered Product for 1 lines without id or sku');
  });

  it('a reloaded thank-you page sends the same unique_ids again (Klaviyo keeps the first)', async () => {
    const first = await identified();
    await first.api.placedOrder(order);
    const again = await identified();
    await again.api.placedOrder(order);
    expect(events(again.sent)).toEqual(events(first.sent));
  });

  it('track("Order Completed") with spec names sends the same events', async () => {
    const { api, sent } = await identified();
    await api.track('Order Completed', {
      order_id: 'R-1001',
      currency: 'USD',
      products: order.items.map(({ id, ...rest }) => (id ? { product_id: id, ...rest } : rest)),
    });
    expect(events(sent).map(([metric, id]) => [metric, id])).toEqual([
      ['Placed Order', 'R-1001'],
      ['Ordered Product', 'R-1001_a'],
      ['Ordered Product', 'R-1001_MUG'],
      ['Ordered Product', 'R-1001_a_2'],
    ]);
  });

  it('an order without an id rejects with invalid_order and sends nothing', async () => {
    const { api, sent } = await identified();
    const error = await api.placedOrder({ items: [{ id: 'a' }] } as never).catch((e) => e);
    expect(error).toBeInstanceOf(KlaviyoLiteError);
    expect(error.code).toBe('invalid_order');
    expect(sent).toEqual([]);
  });

  it('an anonymous visitor sends nothing; with data-hold-anonymous the whole order goes once identified', async () => {
    const anonymous = recordingClient();
    expect(await anonymous.api.placedOrder(order)).toBe(false);
    expect(anonymous.sent).toEqual([]);

    const held = recordingClient({ holdAnonymous: true });
    expect(await held.api.placedOrder(order)).toBe(true);
    expect(held.sent).toEqual([]);
    await held.api.identify({ email: 'buyer@shop.example' });
    expect(events(held.sent.filter((r) => r.endpoint == 'events')).map(([, id]) => id)).toEqual(['R-1001', 'R-1001_a', 'R-1001_MUG', 'R-1001_a_2']);
  });
});

describe('GA4 purchase on dataLayer', () => {
  beforeEach(clearCookies);
  afterEach(() => delete (window as { dataLayer?: unknown }).dataLayer);

  const purchase = { event: 'purchase', ecommerce: { transaction_id: 'T-9', value: 12, currency: 'EUR', items: [{ item_id: 'a', price: 12 }] } };

  it('becomes Placed Order and Ordered Product with data-datalayer-purchase', async () => {
    const client = await identified({ dataLayer: true, dataLayerPurchase: true, activity: false });
    client.start();
    (window as unknown as { dataLayer: unknown[] }).dataLayer.push(purchase);
    expect(events(client.sent)).toEqual([
      ['Placed Order', 'T-9', 12],
      ['Ordered Product', 'T-9_a', 12],
    ]);
  });

  it('is left alone with data-datalayer only: the platform may send Placed Order from its server', async () => {
    const client = await identified({ dataLayer: true, activity: false });
    client.start();
    (window as unknown as { dataLayer: unknown[] }).dataLayer.push(purchase);
    expect(client.sent).toEqual([]);
  });
});

describe('an order of 10,000 lines', () => {
  useDeliveryHarness();
  beforeEach(clearCookies);

  it('sends 10,001 events in event-bulk-create requests of at most 1,000, every line once', async () => {
    const { delivery, api: server, log, run } = setup();
    const client = createClient(withDefaults({ companyId: 'AbC123', delivery, log }));
    await client.api.identify({ email: 'buyer@shop.example' });
    const items = Array.from({ length: 10_000 }, (_, i) => ({ id: `P${i % 2500}`, name: `Product ${i}`, price: '1.25', quantity: 1 }));
    const started = performance.now();
    expect(await client.api.placedOrder({ id: 'BIG', items })).toBe(true);
    const took = performance.now() - started;
    console.info(`placedOrder with 10,000 lines: ${took.toFixed(0)} ms until it resolved`);
    const bulks = () => server.hits.filter((h) => h.endpoint != 'profiles');
    // Lines are queued a thousand at a time, as the previous thousand are sent.
    for (let i = 0; i < 60 && bulks().flatMap(uniqueIds).length < 10_001; i++) await run(1_000);
    const ids = bulks().flatMap(uniqueIds);
    expect(ids).toHaveLength(10_001);
    expect(new Set(ids).size).toBe(10_001);
    expect(ids.slice(0, 3)).toEqual(['BIG', 'BIG_P0', 'BIG_P1']);
    expect(ids).toContain('BIG_P0_4');
    expect(bulks().every((h) => h.endpoint == 'event-bulk-create' && uniqueIds(h).length <= 1000)).toBe(true);
    expect(log.error).not.toHaveBeenCalled();
    expect(delivery.pending()).toBe(0);
  }, 120_000);
});
