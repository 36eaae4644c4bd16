import { describe, expect, test } from 'vitest';
import { backoff, maxTries } from '../src/delivery/backoff';
import { retryAt } from '../src/delivery/schedule';

const ceiling = (tries: number) => Math.min(180_000, 1000 * 2 ** (tries - 1));

describe('backoff (full jitter)', () => {
  test('waits a uniform share of an exponential ceiling capped at 3 minutes', () => {
    expect(backoff(1, () => 0.999999)).toBeCloseTo(1000, 0);
    expect(backoff(2, () => 0.999999)).toBeCloseTo(2000, 0);
    expect(backoff(8, () => 0.999999)).toBeCloseTo(128_000, 0);
    expect(backoff(9, () => 0.999999)).toBeLessThanOrEqual(180_000);
    expect(backoff(9, () => 0.999999)).toBeGreaterThan(179_000);
    expect(backoff(5, () => 0)).toBe(0);
    expect(backoff(5, () => 0.5)).toBe(8000);
  });

  test('never exceeds the cap, over every try and random draws', () => {
    for (let tries = 1; tries <= maxTries; tries++) {
      for (let i = 0; i < 200; i++) {
        const wait = backoff(tries, Math.random);
        expect(wait).toBeGreaterThanOrEqual(0);
        expect(wait).toBeLessThanOrEqual(ceiling(tries));
        expect(wait).toBeLessThanOrEqual(180_000);
      }
    }
  });

  test('gives up after 50 tries', () => {
    expect(maxTries).toBe(50);
  });
});

// When a failed request goes again, with no jitter (random 0): as Retry-After says, or at once.
describe('Retry-After', () => {
  const now = Date.parse('2026-08-01T10:00:00Z');
  const after = (value: string | null | undefined) => retryAt(1, value, now, () => 0) - now;

  test('reads delta-seconds', () => {
    expect(after('120')).toBe(120_000);
    expect(after('0')).toBe(0);
    expect(after(' 7 ')).toBe(7000);
  });

  test('reads an HTTP date', () => {
    expect(after('Sat, 01 Aug 2026 10:01:30 GMT')).toBe(90_000);
    expect(after('Sat, 01 Aug 2026 09:59:00 GMT')).toBe(0);
  });

  test('ignores what it cannot read', () => {
    expect(after(null)).toBe(0);
    expect(after(undefined)).toBe(0);
    expect(after('')).toBe(0);
    expect(after('soon')).toBe(0);
  });

  test('waits its backoff when that is longer', () => {
    expect(retryAt(1, '0', now, () => 0.5) - now).toBe(500);
    expect(retryAt(1, 'soon', now, () => 0.5) - now).toBe(500);
  });
});
