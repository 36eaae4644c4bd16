// Our request schemas must give the same verdicts as Klaviyo's spec: these cases are what stop drift.
import { describe, expect, it } from 'vitest';
import { schemas, validateBody, type Endpoint } from '../demo-site/emulator/schemas.mjs';
import { requestExamples } from './fixtures/request-examples';
import { backInStockBody, bulkBody, edit, eventBody, profileBody, subscriptionBody } from './helpers/bodies';
import {
  expectValidBody,
  officialSkipMessage,
  officialSpecAvailable,
  readSharedJson,
  validateOfficial,
} from './helpers/spec';

type Case = [name: string, endpoint: Endpoint, body: unknown];
type BrokenCase = [...Case, pointer: string];

const attrs = '/data/attributes';
const person = `${attrs}/profile/data/attributes`;

const broken: BrokenCase[] = [
  ['event without metric', 'events', edit(eventBody(), (b) => delete b.data.attributes.metric), `${attrs}/metric`],
  ['event metric without name', 'events', edit(eventBody(), (b) => (b.data.attributes.metric.data.attributes = {})), `${attrs}/metric/data/attributes/name`],
  ['metric name as number', 'events', edit(eventBody(), (b) => (b.data.attributes.metric.data.attributes.name = 7)), `${attrs}/metric/data/attributes/name`],
  ['email as number', 'events', eventBody('Viewed Product', { email: 12345 }), `${person}/email`],
  ['event without properties', 'events', edit(eventBody(), (b) => delete b.data.attributes.properties), `${attrs}/properties`],
  ['properties as array', 'events', edit(eventBody(), (b) => (b.data.attributes.properties = ['a'])), `${attrs}/properties`],
  ['properties null (not nullable)', 'events', edit(eventBody(), (b) => (b.data.attributes.properties = null)), `${attrs}/properties`],
  ['value as string', 'events', edit(eventBody(), (b) => (b.data.attributes.value = '42.50')), `${attrs}/value`],
  ['time not a date-time', 'events', edit(eventBody(), (b) => (b.data.attributes.time = 'yesterday')), `${attrs}/time`],
  ['wrong resource type', 'events', edit(eventBody(), (b) => (b.data.type = 'Event')), '/data/type'],
  ['event without profile', 'events', edit(eventBody(), (b) => delete b.data.attributes.profile), `${attrs}/profile`],
  ['profile without type', 'events', edit(eventBody(), (b) => delete b.data.attributes.profile.data.type), `${attrs}/profile/data/type`],
  ['location as string', 'events', eventBody('Viewed Product', { email: 'a@b.co', location: 'Paris' }), `${person}/location`],
  ['latitude as boolean', 'events', eventBody('Viewed Product', { email: 'a@b.co', location: { latitude: true } }), `${person}/location/latitude`],
  ['unique_id as number', 'events', edit(eventBody(), (b) => (b.data.attributes.unique_id = 17)), `${attrs}/unique_id`],
  ['body without data', 'events', {}, '/data'],
  ['body is an array', 'events', [eventBody()], ''],
  ['profile without attributes', 'profiles', edit(profileBody(), (b) => delete b.data.attributes), '/data/attributes'],
  ['profile type "profiles"', 'profiles', edit(profileBody(), (b) => (b.data.type = 'profiles')), '/data/type'],
  ['profile properties as string', 'profiles', profileBody({ email: 'a@b.co', properties: 'vip' }), '/data/attributes/properties'],
  ['patch unset as number', 'profiles', edit(profileBody(), (b) => (b.data.meta = { patch_properties: { unset: 3 } })), '/data/meta/patch_properties/unset'],
  ['subscription without list relationship', 'subscriptions', edit(subscriptionBody(), (b) => (b.data.relationships = {})), '/data/relationships/list'],
  ['subscription without relationships', 'subscriptions', edit(subscriptionBody(), (b) => delete b.data.relationships), '/data/relationships'],
  ['list id as number', 'subscriptions', edit(subscriptionBody(), (b) => (b.data.relationships.list.data.id = 42)), '/data/relationships/list/data/id'],
  ['consent UNSUBSCRIBED', 'subscriptions', edit(subscriptionBody(), (b) => (b.data.attributes.profile.data.attributes.subscriptions.email.marketing.consent = 'UNSUBSCRIBED')), `${person}/subscriptions/email/marketing/consent`],
  ['subscription without profile', 'subscriptions', edit(subscriptionBody(), (b) => delete b.data.attributes.profile), `${attrs}/profile`],
  ['channel in lower case', 'back-in-stock-subscriptions', edit(backInStockBody(), (b) => (b.data.attributes.channels = ['email'])), `${attrs}/channels/0`],
  ['back in stock without channels', 'back-in-stock-subscriptions', edit(backInStockBody(), (b) => delete b.data.attributes.channels), `${attrs}/channels`],
  ['back in stock without variant', 'back-in-stock-subscriptions', edit(backInStockBody(), (b) => (b.data.relationships = {})), '/data/relationships/variant'],
  ['variant of type "variant"', 'back-in-stock-subscriptions', edit(backInStockBody(), (b) => (b.data.relationships.variant.data.type = 'variant')), '/data/relationships/variant/data/type'],
  ['bulk without profile', 'event-bulk-create', edit(bulkBody(), (b) => delete b.data.attributes.profile), `${attrs}/profile`],
  ['bulk events not wrapped in data', 'event-bulk-create', edit(bulkBody(), (b) => (b.data.attributes.events = b.data.attributes.events.data)), `${attrs}/events`],
  ['bulk entry without metric', 'event-bulk-create', edit(bulkBody(), (b) => delete b.data.attributes.events.data[1].attributes.metric), `${attrs}/events/data/1/attributes/metric`],
  ['bulk of the wrong type', 'event-bulk-create', edit(bulkBody(), (b) => (b.data.type = 'event-bulk')), '/data/type'],
];

const valid: Case[] = [
  ['minimal event', 'events', edit(eventBody(), (b) => {
    const { properties, metric, profile } = b.data.attributes;
    b.data.attributes = { properties, metric, profile };
  })],
  ['nulls where the spec allows them', 'events', edit(eventBody('Viewed Product', {
    email: 'ada@example.com', phone_number: null, first_name: null, location: null, properties: null, meta: null,
  }), (b) => Object.assign(b.data.attributes, { time: null, value: null, value_currency: null, unique_id: null, backfill: null }))],
  ['_kx-only profile', 'events', eventBody('Started Checkout', { _kx: 'kx-token' })],
  ['anonymous_id-only profile', 'events', eventBody('Active on Site', { anonymous_id: 'anon-1' })],
  ['location with number and string coordinates', 'events', eventBody('Viewed Product', {
    email: 'a@b.co', location: { latitude: 48.85, longitude: '2.35', city: 'Paris', zip: null },
  })],
  ['time with fraction and offset, metric service', 'events', edit(eventBody(), (b) => {
    b.data.attributes.time = '2026-08-01T09:30:00.123+02:00';
    b.data.attributes.metric.data.attributes.service = 'klaviyo-lite';
  })],
  ['keys the spec does not name', 'events', edit(eventBody(), (b) => (b.data.attributes.extra = true))],
  ['minimal profile', 'profiles', profileBody({ email: 'ada@example.com' })],
  ['profile patch_properties variants', 'profiles', edit(profileBody(), (b) => (b.data.meta = {
    patch_properties: { append: { skus: 'K-7' }, unappend: null, unset: ['old', 'older'] },
  }))],
  ['profile unset as a string, id null', 'profiles', edit(profileBody(), (b) => {
    b.data.id = null;
    b.data.meta = { patch_properties: { unset: 'old' } };
  })],
  ['subscription by phone, no channels object', 'subscriptions', edit(subscriptionBody(), (b) => {
    b.data.attributes = { profile: { data: { type: 'profile', attributes: { phone_number: '+12125550142' } } } };
  })],
  ['subscription channel variants', 'subscriptions', edit(subscriptionBody(), (b) => {
    b.data.attributes.custom_source = null;
    b.data.attributes.profile.data.attributes.subscriptions = {
      email: { marketing: null },
      sms: { marketing: { consent: 'SUBSCRIBED', consented_at: '2026-08-01T09:30:00Z' }, transactional: null },
      whatsapp: null,
    };
  })],
  ['back in stock, external_id, no channels', 'back-in-stock-subscriptions', edit(backInStockBody(), (b) => {
    b.data.attributes = { channels: [], profile: { data: { type: 'profile', attributes: { external_id: 'c-9' } } } };
  })],
  ['back in stock, every channel', 'back-in-stock-subscriptions', edit(backInStockBody(), (b) => (b.data.attributes.channels = ['EMAIL', 'PUSH', 'SMS', 'WHATSAPP']))],
  ['bulk with nulls and backfill', 'event-bulk-create', edit(bulkBody(), (b) => {
    b.data.attributes.backfill = null;
    Object.assign(b.data.attributes.events.data[0].attributes, { time: null, value: 3, value_currency: null, backfill: true });
  })],
  ['bulk of no events', 'event-bulk-create', bulkBody([])],
];

describe('our schemas', () => {
  it('have an example body for every endpoint', () => {
    expect(new Set(requestExamples.map(([, endpoint]) => endpoint))).toEqual(new Set(Object.keys(schemas)));
  });

  it.each(requestExamples)('accept the example: %s', (_, endpoint, body) => {
    expect(validateBody(endpoint, body).errors).toEqual([]);
  });

  it.each(valid)('accept: %s', (_, endpoint, body) => {
    expect(validateBody(endpoint, body).errors).toEqual([]);
  });

  it.each(broken)('reject: %s', (_, endpoint, body, pointer) => {
    const { valid, errors } = validateBody(endpoint, body);
    expect(valid).toBe(false);
    expect(errors.map((error) => error.pointer)).toContain(pointer);
    for (const error of errors) expect(error.detail).toMatch(/^'[^']+' /);
  });

  it('refuse an unknown endpoint loudly', () => {
    expect(() => validateBody('push-tokens', {})).toThrow(/Unknown client endpoint/);
  });
});

// Without ../shared this whole cross-check is one skipped line (below), not one per case.
if (officialSpecAvailable) describe("Klaviyo's spec agrees", () => {
  it.each(requestExamples)('both accept the example: %s', (_, endpoint, body) => {
    expect(() => expectValidBody(endpoint, body)).not.toThrow();
  });

  it.each(valid)('both accept: %s', (_, endpoint, body) => {
    expect(() => expectValidBody(endpoint, body)).not.toThrow();
  });

  it.each(broken)('both reject: %s', (_, endpoint, body) => {
    expect(validateBody(endpoint, body).valid).toBe(false);
    expect(validateOfficial(endpoint, body).valid).toBe(false);
  });

  it('covers the same endpoints, fields and required lists', () => {
    const spec = readSharedJson('klaviyo/client-openapi.json');
    const resolve = (ref: string) => ref.split('/').slice(1).reduce((node: any, key) => node[key], spec);
    for (const endpoint of Object.keys(schemas) as Endpoint[]) {
      const ref = spec.paths[`/client/${endpoint}`].post.requestBody.content['application/vnd.api+json'].schema.$ref;
      expect(outline(schemas[endpoint], resolve), endpoint).toEqual(outline(resolve(ref), resolve));
    }
  });

  it('names why a bad body is bad', () => {
    expect(() => expectValidBody('events', eventBody('Viewed Product', { email: 5 }))).toThrow(
      /\/data\/attributes\/profile\/data\/attributes\/email: 'email' must be string or null, not number/,
    );
  });
});

if (!officialSpecAvailable) it.skip(officialSkipMessage, () => {});

/** Every property path of a schema, and the required list of each object, refs followed. */
function outline(schema: any, resolve: (ref: string) => any, at = '', out: Record<string, string> = {}) {
  if (schema.$ref) return outline(resolve(schema.$ref), resolve, at, out);
  for (const branch of [...(schema.anyOf ?? []), ...(schema.oneOf ?? [])]) outline(branch, resolve, at, out);
  if (schema.items) outline(schema.items, resolve, `${at}[]`, out);
  if (schema.required) out[`${at} required`] = [...schema.required].sort().join(',');
  for (const [key, sub] of Object.entries<any>(schema.properties ?? {})) {
    out[`${at}/${key}`] = 'field';
    outline(sub, resolve, `${at}/${key}`, out);
  }
  return out;
}
