// Large requests: every request stays under Klaviyo's 5 MB payload limit, and none is lost for its size.
import { describe, expect, test } from 'vitest';
import { accepted, event, fakeApi, profile, uniqueIds } from './helpers/fake-api';
import { setup, useDeliveryHarness } from './helpers/delivery';

useDeliveryHarness();

const MB = 1e6;
// About `bytes` of event properties, in strings under Klaviyo's 100 KB per string.
const weighing = (bytes: number) => ({ lines: Array.from({ length: Math.round(bytes / 1000) }, () => 'x'.repeat(997)) });

describe('large requests', () => {
  test('two 2 MB events of one visitor: both delivered, in requests under 5 MB, nothing dropped', { timeout: 60_000 }, async () => {
    const { delivery, api, log, run } = setup();
    delivery.send(event('ada', 'big1', weighing(2 * MB)));
    delivery.send(event('ada', 'big2', weighing(2 * MB)));
    await run(60_000);
    expect(api.hits.flatMap(uniqueIds)).toEqual(['big1', 'big2']);
    for (const hit of api.hits) expect(hit.bytes).toBeLessThan(5 * MB);
    expect(log.error).not.toHaveBeenCalled();
    expect(delivery.pending()).toBe(0);
  });

  test('events of one visitor fold into bulks that stay under 4 MB each, all delivered once', { timeout: 60_000 }, async () => {
    const { delivery, api, log, run } = setup();
    const uids = Array.from({ length: 30 }, (_, i) => `m${i}`);
    for (const uid of uids) delivery.send(event('ada', uid, weighing(0.3 * MB)));
    await run(60_000);
    expect(api.hits.flatMap(uniqueIds)).toEqual(uids);
    expect(api.hits.length).toBeGreaterThan(2);
    expect(api.hits.length).toBeLessThan(30);
    for (const hit of api.hits) expect(hit.bytes).toBeLessThanOrEqual(4 * MB);
    expect(log.error).not.toHaveBeenCalled();
  });

  test('a 600 KB request answered after 15 s is given the time: delivered on its first try', { timeout: 60_000 }, async () => {
    const api = fakeApi(() => accepted(), 15_000);
    const { delivery, run } = setup({ api });
    const big = profile('ada');
    (big.body.data.attributes as any).properties = weighing(0.6 * MB);
    delivery.send(big);
    await run(60_000);
    expect(api.hits).toHaveLength(1);
    expect(delivery.pending()).toBe(0);
  });
});
