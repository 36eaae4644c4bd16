// @vitest-environment node
// The emulator takes Active on Site events like any other: validated against the schemas, counted by metric.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../demo-site/emulator/server.mjs';
import { eventBody } from '../src/events/body';
import { expectValidBody } from './helpers/spec';

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ quiet: true });
});
afterAll(() => emulator.close());

// As the client builds it (test/activity.test.ts checks that side).
const activity = (uniqueId: string) => ({
  metric: '__activity__',
  properties: {
    $use_ip: true, $is_session_activity: true, page: 'https://shop.example/p/1?utm_source=news', browser: 'Chrome',
    os: 'Windows', utm_source: 'news', referrer: 'www.google.com',
  },
  uniqueId,
  time: '2026-12-01T10:00:00.000Z',
});

const post = (endpoint: string, body: unknown) =>
  fetch(`${emulator.url}/client/${endpoint}?company_id=AbC123`, {
    method: 'POST',
    headers: { revision: '2026-07-15', 'content-type': 'application/vnd.api+json' },
    body: JSON.stringify(body),
  });

it('an __activity__ event is valid and accepted; a second one with the same unique_id is a duplicate', async () => {
  const body = eventBody(activity('act-1'), { email: 'ada@shop.example' });
  expectValidBody('events', body);
  expect((await post('events', body)).status).toBe(202);
  expect((await post('events', body)).status).toBe(202);
  expect(emulator.requests().map((r) => [r.metric, r.verdict])).toEqual([
    ['__activity__', 'accepted'],
    ['__activity__', 'duplicate'],
  ]);
});

it('an invalid one is refused like any event (a property that is no object)', async () => {
  const body = eventBody(activity('act-2'), { email: 'ada@shop.example' }) as any;
  body.data.attributes.properties = 'not an object';
  const response = await post('events', body);
  expect(response.status).toBe(400);
});
