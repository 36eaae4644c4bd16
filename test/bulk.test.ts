import { describe, expect, test } from 'vitest';
import { fold } from '../src/delivery/bulk';
import { fits, maxBytes } from '../src/delivery/size';
import { toRecord, type Rec } from '../src/delivery/records';
import { event, profile } from './helpers/fake-api';
import { expectValidBody } from './helpers/spec';
import type { OutboundRequest } from '../src/types';

const rec = (request: OutboundRequest): Rec => toRecord(request, 'https://a.klaviyo.com', 'AbC123');

describe('fold', () => {
  test('two events of one visitor become one valid event-bulk-create body', () => {
    const first = rec(event('ada', 'a1'));
    const single = structuredClone(first.body);
    expect(fold(first, rec(event('ada', 'a2')))).toBe(true);
    expect(fold(first, rec(event('ada', 'a3')))).toBe(true);
    expect(first.endpoint).toBe('event-bulk-create');
    expect(first.uid).toBeUndefined();
    expectValidBody('event-bulk-create', first.body);
    const attributes = first.body.data.attributes as any;
    expect(attributes.profile).toEqual((single.data.attributes as any).profile);
    expect(attributes.events.data.map((e: any) => e.attributes.unique_id)).toEqual(['a1', 'a2', 'a3']);
    expect(attributes.events.data[0].attributes.profile).toBeUndefined();
    expect(attributes.events.data[0].attributes.metric.data.attributes.name).toBe('Viewed Product');
  });

  test('never puts a unique_id twice in one bulk', () => {
    const first = rec(event('ada', 'a1'));
    expect(fold(first, rec(event('ada', 'a1')))).toBe(false);
    expect(first.endpoint).toBe('events');
    expect(fold(first, rec(event('ada', 'a2')))).toBe(true);
    expect(fold(first, rec(event('ada', 'a1')))).toBe(false);
    expect(fold(first, rec(event('ada', 'a2')))).toBe(false);
  });

  test('keeps apart other visitors, non-events, events without unique_id, tried or leased records', () => {
    const base = () => rec(event('ada', 'a1'));
    expect(fold(base(), rec(event('bob', 'b1')))).toBe(false);
    expect(fold(rec(profile('ada')), rec(event('ada', 'a2')))).toBe(false);
    expect(fold(base(), rec(profile('ada')))).toBe(false);
    expect(fold(base(), { ...rec(event('ada', 'a2')), uid: undefined })).toBe(false);
    expect(fold({ ...base(), uid: undefined }, rec(event('ada', 'a2')))).toBe(false);
    expect(fold({ ...base(), tries: 1 }, rec(event('ada', 'a2')))).toBe(false);
    expect(fold({ ...base(), lease: 1 }, rec(event('ada', 'a2')))).toBe(false);
    expect(fold(undefined, rec(event('ada', 'a2')))).toBe(false);
  });

  test('stops at 1,000 events', () => {
    const first = rec(event('ada', 'e0'));
    for (let i = 1; i < 1000; i++) expect(fold(first, rec(event('ada', `e${i}`)))).toBe(true);
    expect(fold(first, rec(event('ada', 'e1000')))).toBe(false);
    expect((first.body.data.attributes as any).events.data).toHaveLength(1000);
  });
});

describe('size', () => {
  const weighing = (bytes: number) => ({ lines: Array.from({ length: Math.round(bytes / 1000) }, () => 'x'.repeat(997)) });
  const bytes = (r: Rec) => new Blob([JSON.stringify(r.body)]).size;

  test('a bulk stops short of 4 MB, its recorded size exact', () => {
    const first = rec(event('ada', 'e0', weighing(1e6)));
    expect(fold(first, rec(event('ada', 'e1', weighing(1e6))))).toBe(true);
    expect(fold(first, rec(event('ada', 'e2', weighing(1e6))))).toBe(true);
    expect(fold(first, rec(event('ada', 'e3', weighing(1e6))))).toBe(false);
    expect(first.bytes).toBe(bytes(first));
    expect(bytes(first)).toBeLessThanOrEqual(maxBytes);
    expect(fold(first, rec(event('ada', 'e4', { small: 1 })))).toBe(true);
    expect(first.bytes).toBe(bytes(first));
  });

  test('fits(): an event over 4 MB (under Klaviyo\'s 5 MB, with margin) does not fit one request', () => {
    expect(fits(event('ada', 'ok', weighing(3.9e6)).body)).toBe(true);
    expect(fits(event('ada', 'no', weighing(4.1e6)).body)).toBe(false);
    // Multi-byte characters count as bytes, as sent.
    expect(fits(event('ada', 'no', { text: Array.from({ length: 20 }, () => 'é'.repeat(1e5)) }).body)).toBe(false);
  });
});
