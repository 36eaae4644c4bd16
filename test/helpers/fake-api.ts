// A stand-in for Klaviyo's client API behind a mocked fetch: records every request (body checked against
// the spec) and answers as the test says.
import { vi } from 'vitest';
import { eventBody, resource } from '../../src/events/body';
import type { Endpoint, Logger, OutboundRequest } from '../../src/types';
import { expectValidBody } from './spec';

export interface Hit {
  endpoint: Endpoint;
  body: any;
  companyId: string | null;
  /** The API base the request went to, e.g. https://a.klaviyo.com */
  base: string;
  revision: string | null;
  contentType: string | null;
  keepalive: boolean;
  bytes: number;
  at: number;
}

export type Answer = Response | 'network' | 'hang';

// Browsers keep a Request's keepalive flag (and its clone's, which is what ky fetches); happy-dom's Request
// drops it. This one keeps it, so that a fake fetch sees how a request was sent.
const HappyRequest = globalThis.Request;
class KeepaliveRequest extends HappyRequest {
  readonly keepalive: boolean;
  constructor(input: RequestInfo | URL, init?: RequestInit) {
    super(input, init);
    this.keepalive = init?.keepalive ?? (input instanceof HappyRequest && (input as KeepaliveRequest).keepalive === true);
  }
  clone(): KeepaliveRequest {
    // Still a Request as the page sees it (instanceof), with the flag.
    const copy = Object.setPrototypeOf(super.clone(), KeepaliveRequest.prototype);
    return Object.assign(copy, { keepalive: this.keepalive });
  }
}
globalThis.Request = KeepaliveRequest as typeof Request;

/** Whether `input`/`init` asked for keepalive. */
export const isKeepalive = (input: RequestInfo | URL, init?: RequestInit) =>
  init?.keepalive === true || (input instanceof HappyRequest && (input as KeepaliveRequest).keepalive === true);

/** After every microtask queued: ky starts a request a few microtasks after it is asked to (still in the same task). */
export const settled = () => new Promise((resolve) => setImmediate(resolve));

export function fakeApi(answer: (hit: Hit, index: number) => Answer = () => accepted(), latency = 0) {
  const hits: Hit[] = [];
  const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof HappyRequest ? input : undefined;
    const url = new URL(request ? request.url : String(input));
    const headers = new Headers(request ? request.headers : init?.headers);
    const text = request ? await request.text() : String(init?.body);
    const body = JSON.parse(text);
    const endpoint = url.pathname.replace('/client/', '') as Endpoint;
    expectValidBody(endpoint, body);
    const hit: Hit = {
      endpoint,
      body,
      companyId: url.searchParams.get('company_id'),
      base: url.origin,
      revision: headers.get('revision'),
      contentType: headers.get('content-type'),
      keepalive: isKeepalive(input, init),
      bytes: new Blob([text]).size,
      at: Date.now(),
    };
    hits.push(hit);
    const reply = answer(hit, hits.length - 1);
    if (latency) await new Promise((resolve) => setTimeout(resolve, latency));
    if (reply == 'hang') return new Promise<Response>(() => {});
    if (reply == 'network') throw new TypeError('Failed to fetch');
    return reply;
  });
  return { fetch: fetch as unknown as typeof globalThis.fetch, mock: fetch, hits };
}

export const accepted = () => new Response(null, { status: 202 });

export const reply = (status: number, headers: Record<string, string> = {}, body?: unknown) =>
  new Response(body === undefined ? null : JSON.stringify(body), { status, headers });

/** unique_ids of the events a captured body carries, in order. */
export const uniqueIds = (hit: Hit): string[] =>
  hit.endpoint == 'event-bulk-create'
    ? hit.body.data.attributes.events.data.map((e: any) => e.attributes.unique_id)
    : hit.endpoint == 'events'
      ? [hit.body.data.attributes.unique_id]
      : [];

let counter = 0;

/** A Create Client Event request for visitor `key`, built by the project's own body builder. */
export function event(key = 'ada', uid = `uid-${++counter}`, properties: Record<string, unknown> = { n: counter }): OutboundRequest {
  const body = eventBody({ metric: 'Viewed Product', properties, uniqueId: uid, time: new Date().toISOString() }, { email: `${key}@example.com` });
  return { endpoint: 'events', body, profileKey: key, uniqueId: uid };
}

export function profile(key = 'ada', first_name = 'Ada'): OutboundRequest {
  return { endpoint: 'profiles', body: resource('profile', { email: `${key}@example.com`, first_name }), profileKey: key };
}

/** A Storage kept in a Map: what two tabs of one origin share. */
export function mapStorage(): Storage {
  const map = new Map<string, string>();
  return {
    get length() {
      return map.size;
    },
    key: (i) => [...map.keys()][i] ?? null,
    getItem: (k) => map.get(k) ?? null,
    setItem: (k, v) => void map.set(k, String(v)),
    removeItem: (k) => void map.delete(k),
    clear: () => map.clear(),
  };
}

/**
 * One origin's localStorage as `count` tabs see it in Chromium: each tab reads and writes its own copy at
 * once; what it writes reaches the other tabs `lag` ms later (setTimeout: fake timers drive it).
 */
export function laggedStorages(count: number, lag = 50): Storage[] {
  const views = Array.from({ length: count }, () => mapStorage());
  return views.map((view) => {
    const later = (change: (other: Storage) => void) =>
      setTimeout(() => views.forEach((other) => other != view && change(other)), lag);
    return {
      get length() {
        return view.length;
      },
      key: (i) => view.key(i),
      getItem: (k) => view.getItem(k),
      setItem(k, v) {
        view.setItem(k, v);
        later((other) => other.setItem(k, v));
      },
      removeItem(k) {
        view.removeItem(k);
        later((other) => other.removeItem(k));
      },
      clear: () => view.clear(),
    };
  });
}

export function spyLog() {
  const log = { debug: vi.fn(), warn: vi.fn(), error: vi.fn() } satisfies Logger;
  return log;
}
