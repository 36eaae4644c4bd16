import Cookies from 'js-cookie';
import { vi } from 'vitest';
import { createClient, withDefaults, type ClientOptions } from '../../src/client/client';
import type { Delivery } from '../../src/delivery/delivery';
import type { OutboundRequest } from '../../src/types';
import { expectValidBody } from './spec';

/** A client whose delivery records requests instead of sending them; every request's body is checked against the spec. */
export function recordingClient(options: ClientOptions = {}) {
  const sent: OutboundRequest[] = [];
  const delivery: Delivery = {
    send: (request) => {
      expectValidBody(request.endpoint, request.body);
      sent.push(request);
    },
    flush: async () => {},
    clear: vi.fn(),
    pending: () => sent.length,
    stop: () => {},
  };
  const logs: string[] = [];
  const log = {
    debug: (m: string) => void logs.push(`debug: ${m}`),
    warn: (m: string) => void logs.push(`warn: ${m}`),
    error: (m: string) => void logs.push(`error: ${m}`),
  };
  const client = createClient(withDefaults({ companyId: 'AbC123', delivery, log, ...options }));
  return { ...client, sent, logs, log, delivery };
}

export const attributesOf = (request: OutboundRequest) => request.body.data.attributes as Record<string, any>;

export function clearCookies() {
  for (const name of Object.keys(Cookies.get())) Cookies.remove(name, { path: '/' });
  localStorage.clear();
  sessionStorage.clear();
}

export function cookieJson(name = '__kla_id') {
  const raw = Cookies.get(name);
  return raw ? JSON.parse(atob(raw)) : undefined;
}

/** Records every string the page assigns to document.cookie (they still reach the real cookie jar). */
export function recordCookieWrites() {
  let proto = Object.getPrototypeOf(document);
  while (!Object.getOwnPropertyDescriptor(proto, 'cookie')) proto = Object.getPrototypeOf(proto);
  const descriptor = Object.getOwnPropertyDescriptor(proto, 'cookie')!;
  const written: string[] = [];
  const spy = vi.spyOn(document, 'cookie', 'set').mockImplementation((value: string) => {
    written.push(value);
    descriptor.set!.call(document, value);
  });
  return { written, restore: () => spy.mockRestore() };
}
