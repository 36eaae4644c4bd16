// A delivery on a fake clock and a fake API, stopped after each test: what the delivery tests share.
import { afterEach, beforeEach, vi } from 'vitest';
import { createDelivery, type Delivery, type DeliveryOptions } from '../../src/delivery/delivery';
import type { OutboundRequest } from '../../src/types';
import { createOutbox } from '../../src/delivery/outbox';
import { toRecord } from '../../src/delivery/records';
import { fakeApi, mapStorage, spyLog } from './fake-api';

export const OUTBOX = '__kla_outbox';
const made: Delivery[] = [];

/** Registers the hooks: a fake clock (hrtime and performance stay real), and every delivery made stopped after. */
export function useDeliveryHarness() {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    vi.setSystemTime(Date.parse('2026-08-01T10:00:00Z'));
  });
  afterEach(() => {
    for (const delivery of made.splice(0)) delivery.stop();
    vi.useRealTimers();
    localStorage.clear();
  });
}

export function setup(options: Partial<DeliveryOptions> & { api?: ReturnType<typeof fakeApi> } = {}) {
  const api = options.api ?? fakeApi();
  const log = spyLog();
  const storage = options.storage === undefined ? mapStorage() : options.storage;
  const delivery = createDelivery({
    apiBase: 'https://a.klaviyo.com',
    companyId: () => 'AbC123',
    log,
    fetch: api.fetch,
    random: () => 0.5,
    ...options,
    storage,
  });
  made.push(delivery);
  // Runs due timers, then waits for what they started.
  const run = async (ms = 0) => {
    await vi.advanceTimersByTimeAsync(ms);
    await delivery.flush();
  };
  return { delivery, api, log, storage, run };
}

/** Every page's outbox key (and the legacy one). */
export const outboxKeys = (storage: Storage) =>
  Array.from({ length: storage.length }, (_, i) => storage.key(i)!).filter((k) => k.startsWith(OUTBOX));

/** A page that crashed with `requests` pending: its key is left in `storage` as it was, with no release and no heartbeat after. */
export async function crashedPage(storage: Storage, ...requests: OutboundRequest[]) {
  const before = outboxKeys(storage);
  const outbox = createOutbox(spyLog(), storage);
  outbox.write(requests.map((request) => toRecord(request, 'https://a.klaviyo.com', 'AbC123')));
  return outboxKeys(storage).find((k) => !before.includes(k))!;
}
