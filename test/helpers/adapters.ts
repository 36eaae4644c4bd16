import { expect } from 'vitest';
import { eventBody } from '../../src/events/body';
import type { TrackPayload } from '../../src/types';
import { expectValidBody } from './spec';

/** No undefined / null / NaN anywhere, and the event body is valid for POST /client/events. */
export function expectSendable(payload: TrackPayload | undefined): void {
  expect(payload).toBeDefined();
  const holes: string[] = [];
  const walk = (v: unknown, at: string) => {
    if (v === undefined || v === null || Number.isNaN(v)) holes.push(at);
    else if (typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, `${at}.${k}`);
  };
  walk(payload, 'payload');
  expect(holes).toEqual([]);
  expectValidBody('events', eventBody({ time: '2026-01-01T00:00:00Z', ...payload! }, { email: 'a@b.co' }));
}
