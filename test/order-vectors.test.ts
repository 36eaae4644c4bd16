// Our Order Completed mapping against Segment's own test data (in-project, test/fixtures/order-vectors.ts).
import { describe, expect, test } from 'vitest';
import { fromSpec } from '../src/adapters/spec';
import type { Properties } from '../src/types';
import { orderVectors } from './fixtures/order-vectors';

const without = (o: Properties, ...keys: string[]) => Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)));

describe('Segment Order Completed vectors', () => {
  test.each(orderVectors.map((v) => [v.id, v] as const))('%s', (_id, v) => {
    const order = fromSpec(v.event, v.properties)!;
    const ours = v.ours == 'order' ? order : order.lines![v.ours];
    const checked: string[] = [];
    const same = (name: string, a: unknown, b: unknown) => {
      checked.push(name);
      if (name in v.differ) expect(a, `${name} is listed as different`).not.toEqual(b);
      else expect(a, name).toEqual(b);
    };
    same('metric', ours.metric, v.peer.metric);
    same('value', ours.value, v.peer.value);
    same('unique_id', ours.uniqueId, v.peer.uniqueId);
    if (v.peer.properties) {
      const mine = without(ours.properties, '$value', '$event_id');
      const theirs = v.peer.properties;
      for (const k of new Set([...Object.keys(mine), ...Object.keys(theirs)])) {
        if (k != 'Items') {
          same(k, mine[k], theirs[k]);
          continue;
        }
        const a = mine.Items as Properties[];
        const b = theirs.Items as Properties[];
        expect(a).toHaveLength(b.length);
        // A field is compared across all the lines at once: it differs when it does in any line.
        for (const f of new Set([...a, ...b].flatMap(Object.keys))) same(`Items[].${f}`, a.map((e) => e[f]), b.map((e) => e[f]));
      }
    }
    for (const name of Object.keys(v.differ)) expect(checked, name).toContain(name);
  });

  test('the documented example: one Ordered Product per product, keyed by the order id and the product id', () => {
    const docs = orderVectors.find((v) => v.id.startsWith('docs'))!;
    const order = fromSpec(docs.event, docs.properties)!;
    expect(order.lines!.map((l) => [l.metric, l.uniqueId])).toEqual([
      ['Ordered Product', '50314b8e9bcf000000000000_507f1f77bcf86cd799439011'],
      ['Ordered Product', '50314b8e9bcf000000000000_505bd76785ebb509fc183733'],
    ]);
  });
});
