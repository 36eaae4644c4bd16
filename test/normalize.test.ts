import { describe, expect, it } from 'vitest';
import { normalizeEvent } from '../src/client/normalize';

const NOW = Date.parse('2026-08-01T10:00:00Z');
const quiet = () => {
  const warnings: string[] = [];
  return { warnings, log: { debug: () => {}, warn: (m: string) => void warnings.push(m), error: () => {} } };
};

describe('normalizeEvent', () => {
  it('$value becomes a number and the event value; $event_id the unique_id; the time is now', () => {
    const { log } = quiet();
    expect(normalizeEvent({ metric: 'Placed Order', properties: { $value: '$15.98', $event_id: 1001 } }, log, NOW)).toEqual({
      metric: 'Placed Order',
      properties: { $use_ip: true, $is_session_activity: true, $value: 15.98, $event_id: 1001 },
      value: 15.98,
      uniqueId: '1001',
      time: '2026-08-01T10:00:00.000Z',
    });
  });

  it('a $value that is no number is left out with a warning naming the event', () => {
    const { log, warnings } = quiet();
    const event = normalizeEvent({ metric: 'Viewed Product', properties: { $value: 'free' } }, log, NOW);
    expect(event.properties).toEqual({ $use_ip: true, $is_session_activity: true });
    expect(event.value).toBeUndefined();
    expect(warnings).toEqual(['left out "Viewed Product" $value: not a number']);
  });

  it('the adapter\'s value, unique id and time win; an object $event_id never names an event', () => {
    const { log } = quiet();
    const shaped = normalizeEvent(
      { metric: 'Added to Cart', properties: { $value: 3 }, value: 7, uniqueId: 'cart-1', time: '2026-07-01T00:00:00Z' },
      log,
      NOW,
    );
    expect(shaped).toMatchObject({ value: 7, uniqueId: 'cart-1', time: '2026-07-01T00:00:00Z' });
    const fresh = normalizeEvent({ metric: 'X', properties: { $event_id: { id: 1 } } }, log, NOW);
    expect(fresh.uniqueId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('leaves the caller\'s properties untouched', () => {
    const { log } = quiet();
    const properties = { $value: '34.00', nested: { a: 1 } };
    normalizeEvent({ metric: 'X', properties }, log, NOW);
    expect(properties).toEqual({ $value: '34.00', nested: { a: 1 } });
  });
});
