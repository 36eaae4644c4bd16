import Cookies from 'js-cookie';
import type { ProfileIdentifiers, VisitorIdentity } from '../types';
import { isE164, isEmail, record } from '../events/validate';

const ID_COOKIE = '__kla_id';
const OFF_COOKIE = '__kla_off';

/**
 * `__kla_id` keys, in the format klaviyo.js writes: base64 of JSON. A cookie klaviyo.js or someone else wrote
 * may hold values Klaviyo would refuse: those are not identifiers.
 */
export const COOKIE_KEYS: Array<[keyof ProfileIdentifiers, string, (value: string) => boolean]> = [
  ['email', '$email', isEmail],
  ['phone_number', '$phone_number', isE164],
  ['external_id', '$id', (value) => value.length <= 64],
  ['_kx', '$exchange_id', (value) => value.length <= 1e3],
];

type Stored = Record<string, unknown>;

/**
 * The valid identifiers among the first `count` of COOKIE_KEYS that `source` holds, read and named by our names (0)
 * or klaviyo.js's (1). An empty string is none.
 */
export function pickIds(source: object, count = 4, from: 0 | 1 = 0, to: 0 | 1 = 0): ProfileIdentifiers {
  const ids: Stored = {};
  for (const row of COOKIE_KEYS.slice(0, count)) {
    const value = (source as Stored)[row[from]];
    if (value && typeof value == 'string' && row[2](value)) ids[row[to]] = value;
  }
  return ids;
}

// UTF-8 inside base64 (JSON.stringify escapes lone surrogates: encodeURIComponent never throws on its output).
// klaviyo.js's cookies are ASCII in practice, where this and its reading agree.
function decode(raw: string | undefined): Stored {
  try {
    return record(JSON.parse(decodeURIComponent(escape(atob(raw!)))));
  } catch {
    return {}; // absent, tampered or foreign: start fresh
  }
}

const encode = (value: Stored) => btoa(unescape(encodeURIComponent(JSON.stringify(value))));

/** This host and each parent domain, the host first: `www.shop.example`, `shop.example` (never `example`). */
function domainsOf(): string[] {
  const labels = location.hostname.split('.');
  return labels.slice(0, -1).map((_, i) => labels.slice(i).join('.'));
}

/**
 * The widest domain this host may set cookies on, tried from the registrable end (`shop.example`) inwards
 * (`www.shop.example`), as analytics.js does, so a visitor identified on one subdomain is known on the others.
 * Hosts without a dot and IP addresses get host-only cookies: the first have no parent domain, and browsers refuse
 * a parent domain to the second (RFC 6265 domain-match), so every probe fails.
 */
function probeCookieDomain(): string | undefined {
  for (const domain of domainsOf().reverse().slice(0, -1)) {
    cookie('set', '__kla_probe', '1', { domain });
    const ok = cookie('get', '__kla_probe') == '1';
    cookie('remove', '__kla_probe', { domain });
    if (ok) return domain;
  }
}

/** Every `__kla_id` this page sees, as the browser lists them: longer paths first, then the oldest first. */
function copies(): string[] {
  try {
    // js-cookie returns the first only: the others are found here, each read by its converter.
    return `; ${document.cookie}`.split(`; ${ID_COOKIE}=`).slice(1).map((rest) => Cookies.converter.read(rest.split(';')[0], ID_COOKIE));
  } catch {
    return [];
  }
}

/** Removes every `__kla_id` this page can reach: host-only and on each parent domain, on "/" and each path down to this page. */
export function removeCopies(): void {
  const paths = ['/'];
  let prefix = '';
  for (const segment of location.pathname.split('/')) {
    if (segment) {
      prefix += `/${segment}`;
      paths.push(prefix, `${prefix}/`);
    }
  }
  for (const domain of [undefined, ...domainsOf()]) for (const path of paths) cookie('remove', ID_COOKIE, { domain, path });
}

export interface Identity {
  identifiers(): ProfileIdentifiers;
  /** The visitor in klaviyo.js's keys (`$email`, `$phone_number`, `$id`, `$exchange_id`), as far as known. */
  visitor(): VisitorIdentity;
  /** Whether these identifiers name another visitor than the stored one (another email, phone or id). */
  switches(ids: ProfileIdentifiers): boolean;
  /** Merges new identifiers; another email/phone/id than the stored one starts a new visitor (returns true). */
  remember(ids: ProfileIdentifiers): boolean;
  isOptedOut(): boolean;
  optOut(): void;
  optIn(): void;
  domain(value?: string): string | undefined;
}

// Cookies may be blocked (writes ignored) or throw (sandboxed iframes): this page then keeps the visitor in memory.
function cookie(method: 'get' | 'set' | 'remove', ...args: any[]): string | undefined {
  try {
    return (Cookies[method] as (...args: any[]) => string | undefined)(...args);
  } catch {}
}

export function createIdentity(initialDomain?: string): Identity {
  let memo: string | undefined;
  let off = false;
  // null: not probed yet; undefined: host-only cookies.
  let chosenDomain: string | undefined | null = initialDomain || null;
  const cookieDomain = () => {
    if (chosenDomain === null) chosenDomain = probeCookieDomain();
    return chosenDomain;
  };
  const attributes = (): Cookies.CookieAttributes => ({
    path: '/',
    expires: 730,
    sameSite: 'Lax',
    secure: location.protocol == 'https:',
    domain: cookieDomain(),
  });
  const write = (value: string) => cookie('set', ID_COOKIE, value, attributes());
  // Several copies (klaviyo.js's on another domain, a theme's on a longer path): js-cookie would read the first,
  // an older one. The one listed last (on "/", created last: ours, after every write) is the visitor now, and
  // is left alone, so the next page reads it too.
  const current = () => {
    const listed = copies();
    const newest = listed.pop();
    // Older copies listed before it.
    if (listed.length) {
      removeCopies();
      write(newest!);
    }
    return newest;
  };
  const read = () => decode(memo || current());

  // Emails are compared whatever their case: "Ada@…" after "ada@…" is the same visitor. A subscribe() input may
  // hold anything.
  const comparable = (key: string, value: unknown) => (key == 'email' ? String(value).toLowerCase() : value);
  const switches = (ids: ProfileIdentifiers, stored = read()) =>
    COOKIE_KEYS.some(([key, legacy]) => key != '_kx' && ids[key] && stored[legacy] && comparable(key, stored[legacy]) != comparable(key, ids[key]));

  const identifiers = () => pickIds(read(), 4, 1);

  return {
    identifiers,
    visitor: () => pickIds(read(), 4, 1, 1) as VisitorIdentity,
    switches,
    remember(ids) {
      let stored = read();
      const replaced = switches(ids, stored);
      if (replaced) stored = { cid: stored.cid };
      stored.cid = stored.cid || randomId();
      // Only what identifiers() reads back.
      Object.assign(stored, pickIds(ids, 4, 0, 1));
      const value = encode(stored);
      write(value);
      // Only while cookies are blocked (or a copy this page cannot remove still shadows ours).
      memo = current() == value ? undefined : value;
      return replaced;
    },
    isOptedOut: () => off || cookie('get', OFF_COOKIE) == 'true',
    optOut() {
      memo = undefined;
      off = true;
      removeCopies();
      cookie('set', OFF_COOKIE, 'true', attributes());
    },
    optIn() {
      off = false;
      cookie('remove', OFF_COOKIE, attributes());
    },
    domain(value) {
      if (value !== undefined) chosenDomain = value || undefined;
      return cookieDomain();
    },
  };
}

/**
 * A version 4 UUID from crypto randomness (`crypto.randomUUID` exists only in secure contexts): each 0, 1 and 8 of
 * the template becomes a random hex digit, the 8 keeping the variant bits (8 to b). One call for all the bytes:
 * track() makes one per event.
 */
export function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(31));
  let i = 0;
  return '10000000-1000-4000-8000-100000000000'.replace(/[018]/g, (c) => (+c ^ (bytes[i++] & (15 >> (+c / 4)))).toString(16));
}
