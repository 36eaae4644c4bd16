import { describe, expect, test } from 'vitest';
import { createPacer } from '../src/delivery/pace';
import type { Endpoint } from '../src/types';

// Sends `count` requests as fast as the pacer allows, in simulated time; returns the send times.
function run(endpoint: Endpoint, count: number) {
  const pacer = createPacer();
  const times: number[] = [];
  let now = 1_000_000;
  while (times.length < count) {
    const wait = pacer.wait(endpoint, now);
    if (wait > 0) now += wait;
    else {
      pacer.note(endpoint, now);
      times.push(now);
    }
  }
  return times;
}

const most = (times: number[], window: number) => {
  let max = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[i] - times[j] >= window) j++;
    max = Math.max(max, i - j + 1);
  }
  return max;
};

describe('pacer', () => {
  test.each([
    ['events', 350, 3500],
    ['profiles', 350, 3500],
    ['back-in-stock-subscriptions', 350, 3500],
    ['subscriptions', 350, 750],
    ['event-bulk-create', 10, 150],
  ] as const)('%s: at most %i a second and %i a minute over 5,000 requests', (endpoint, burst, steady) => {
    const times = run(endpoint, 5000);
    expect(most(times, 1000)).toBe(burst);
    expect(most(times, 60_000)).toBe(steady);
  });

  test('endpoints are paced apart', () => {
    const pacer = createPacer();
    for (let i = 0; i < 10; i++) pacer.note('event-bulk-create', 0);
    expect(pacer.wait('event-bulk-create', 0)).toBe(1000);
    expect(pacer.wait('events', 0)).toBe(0);
  });
});
