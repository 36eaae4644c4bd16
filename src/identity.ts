import Cookies from 'js-cookie';
import type { ProfileIdentifiers } from './types';

const ID_COOKIE = '__kla_id';
const OFF_COOKIE = '__kla_off';
const LIFETIME_DAYS = 730;

/** The `__kla_id` cookie, in the format klaviyo.js writes: base64 of JSON. */
interface Stored {
  cid?: string;
  $email?: string;
  $phone_number?: string;
  $id?: string;
  $exchange_id?: string;
  [key: string]: unknown;
}

const cookieKeys: Array<[keyof ProfileIdentifiers, string]> = [
  ['email', '$email'],
  ['phone_number', '$phone_number'],
  ['external_id', '$id'],
  ['_kx', '$exchange_id'],
];

// UTF-8 inside base64, as klaviyo.js writes it (its cookies are ASCII in practice, where both readings agree).
function decode(raw: string | undefined): Stored {
  if (!raw) return {};
  try {
    const value = JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(raw), (c) => c.charCodeAt(0))));
    return value && typeof value === 'object' && !Array.isArray(value) ? value : {};
  } catch {
    return {}; // tampered or foreign: start fresh
  }
}

function encode(value: Stored): string {
  return btoa(String.fromCharCode(...new TextEncoder().encode(JSON.stringify(value))));
}

function attributes(domain: string | undefined): Cookies.CookieAttributes {
  return {
    path: '/',
    expires: LIFETIME_DAYS,
    sameSite: 'Lax',
    secure: location.protocol === 'https:',
    ...(domain ? { domain } : {}),
  };
}

/**
 * The widest domain this host may set cookies on, tried from the registrable end (`shop.example`) inwards
 * (`www.shop.example`), so a visitor identified on one subdomain is known on the others. Hosts without dots
 * and IP addresses get host-only cookies.
 */
export function probeCookieDomain(hostname = location.hostname): string | undefined {
  if (!hostname.includes('.') || /^[\d.]+$|:/.test(hostname)) return undefined;
  const parts = hostname.split('.');
  for (let i = parts.length - 2; i > 0; i--) {
    const domain = parts.slice(i).join('.');
    const probe = `__kla_probe${Math.random().toString(36).slice(2)}`;
    Cookies.set(probe, '1', { domain, path: '/', sameSite: 'Lax' });
    const ok = Cookies.get(probe) === '1';
    Cookies.remove(probe, { domain, path: '/' });
    if (ok) return domain;
  }
  return undefined;
}

export interface Identity {
  identifiers(): ProfileIdentifiers;
  isIdentified(): boolean;
  /** Merges new identifiers; a different email/phone/id than the stored one starts a new visitor. Returns true when one was replaced. */
  remember(ids: ProfileIdentifiers): boolean;
  isOptedOut(): boolean;
  optOut(): void;
  optIn(): void;
  domain(value?: string): string | undefined;
}

export function createIdentity(initialDomain?: string): Identity {
  let domain = initialDomain;
  let probed = !!initialDomain;
  const cookieDomain = () => {
    if (!probed) {
      probed = true;
      domain = probeCookieDomain();
    }
    return domain;
  };
  const read = () => decode(Cookies.get(ID_COOKIE));

  const identifiers = (): ProfileIdentifiers => {
    const stored = read();
    const ids: ProfileIdentifiers = {};
    for (const [key, legacy] of cookieKeys) {
      const value = stored[legacy];
      if (typeof value === 'string' && value) ids[key] = value;
    }
    return ids;
  };

  return {
    identifiers,
    isIdentified: () => Object.keys(identifiers()).length > 0,
    remember(ids) {
      let stored = read();
      const replaced = cookieKeys.some(
        ([key, legacy]) => key !== '_kx' && ids[key] && stored[legacy] && stored[legacy] !== ids[key],
      );
      if (replaced) stored = { cid: stored.cid };
      stored.cid ||= randomId();
      for (const [key, legacy] of cookieKeys) if (ids[key]) stored[legacy] = ids[key];
      Cookies.set(ID_COOKIE, encode(stored), attributes(cookieDomain()));
      return replaced;
    },
    isOptedOut: () => Cookies.get(OFF_COOKIE) === 'true',
    optOut() {
      Cookies.remove(ID_COOKIE, attributes(cookieDomain()));
      Cookies.set(OFF_COOKIE, 'true', attributes(cookieDomain()));
    },
    optIn() {
      Cookies.remove(OFF_COOKIE, attributes(cookieDomain()));
    },
    domain(value) {
      if (value !== undefined) {
        domain = value || undefined;
        probed = true;
      }
      return cookieDomain();
    },
  };
}

export function randomId(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => (b + 256).toString(16).slice(1)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
