// Our Segment / RudderStack mapping against RudderStack's own test vectors (restated in test/fixtures/peer-vectors.ts).
import { describe, expect, test } from 'vitest';
import { fromSpec } from '../src/adapters/spec';
import { KlaviyoLiteError } from '../src/errors';
import type { Properties } from '../src/types';
import { peerVectors, type PeerSends } from './fixtures/peer-vectors';

const NOW = Date.parse('2026-01-01T00:00:00Z');

/**
 * Where we deliberately differ from a peer, per vector: property → why. `*` means we refuse the whole
 * event. `Items[].X` is a key inside every Items entry. Each listed difference must really differ, so
 * this list cannot go stale; it is the README's "where we differ" table.
 */
const REFUSED_CART_ONLY =
  'refused (invalid_product): no top-level product_id/sku/id, so nothing says which product was added; RudderStack sends a cart-only Added to Cart';
const VIEWED = { value: "we send Price as the event value, as Klaviyo's own Viewed Product example does; RudderStack sends none" };
const DIFFERENT: Record<string, Record<string, string>> = {
  'rudderstack v1: product viewed': VIEWED,
  'rudderstack track api: product viewed': VIEWED,
  'rudderstack v1: checkout started, flattened': {
    unique_id: 'order_id + "_" + unix seconds, so a later checkout of the same cart counts again; RudderStack uses order_id alone',
    items: "Klaviyo's recommended name is Items; RudderStack's tests send lower-case items (its docs say Items). Entries are compared under Items",
    'Items[].RowTotal': 'price × quantity when not given; RudderStack only copies row_total',
    'Items[].ProductCategories': 'a product’s singular category becomes ["Games"]; RudderStack only maps a categories array',
    Categories: 'derived as the union of item categories when not given; RudderStack copies only a given categories',
    ItemNames: 'derived from item names when not given; RudderStack copies only a given item_names',
    affiliation: 'unmapped properties are the store’s data and are kept; RudderStack drops them',
    revenue: 'kept: value (20) is the event value, the unused revenue stays as a property; RudderStack drops it',
    shipping: 'kept, as every unmapped property',
    tax: 'kept, as every unmapped property',
    discount: 'kept, as every unmapped property',
    coupon: 'kept, as every unmapped property',
  },
  'rudderstack v1: product added, lines in products': { '*': REFUSED_CART_ONLY },
  'rudderstack track api: product added, lines in products': { '*': REFUSED_CART_ONLY },
  'rudderstack track api: product added, lines in items': { '*': REFUSED_CART_ONLY },
  'rudderstack track api: product added with no email or phone': {
    '*': 'the peer refuses it for a missing email/phone (a profile rule: see the identify tests); the adapter refuses it because no added product is named',
  },
};

const without = (o: Properties, ...keys: string[]) => Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)));

describe('peer vectors', () => {
  test('the vectors we know about are all there, and every difference belongs to one', () => {
    expect(peerVectors.map((v) => v.id).sort()).toEqual(Object.keys(DIFFERENT).sort());
  });

  test.each(peerVectors.map((v) => [v.id, v] as const))('%s', (id, v) => {
    const differ = DIFFERENT[id] ?? {};
    const run = () => fromSpec(v.event, v.properties, NOW);
    if (differ['*']) {
      expect(run).toThrow(KlaviyoLiteError);
      return;
    }
    expect(v.peer, 'a vector the peer refuses is listed as refused by us too').not.toHaveProperty('refuses');
    const ours = run()!;
    const theirs = v.peer as PeerSends;
    const checked: string[] = [];
    const same = (name: string, a: unknown, b: unknown) => {
      checked.push(name);
      if (name in differ) expect(a, `${name} is listed as different`).not.toEqual(b);
      else expect(a, name).toEqual(b);
    };

    same('metric', ours.metric, theirs.metric);
    same('value', ours.value, theirs.value);
    same('unique_id', ours.uniqueId, theirs.uniqueId);
    if (theirs.linesLowerCase) checked.push('items');
    const mine = without(ours.properties, '$value', '$event_id');
    for (const k of new Set([...Object.keys(mine), ...Object.keys(theirs.properties)])) {
      if (k !== 'Items') {
        same(k, mine[k], theirs.properties[k]);
        continue;
      }
      const a = mine.Items as Properties[];
      const b = theirs.properties.Items as Properties[];
      expect(a).toHaveLength(b.length);
      a.forEach((entry, i) => {
        for (const f of new Set([...Object.keys(entry), ...Object.keys(b[i])])) same(`Items[].${f}`, entry[f], b[i][f]);
      });
    }
    // Every listed difference was looked at.
    for (const name of Object.keys(differ)) expect(checked, name).toContain(name);
  });
});
