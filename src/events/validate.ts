import { byteSize } from '../delivery/size';
import { clip } from './number';
import type { Logger, Properties } from '../types';

// No space, quote, bracket, comma, semicolon, colon or backslash anywhere; one @; a domain of two or more labels.
export const isEmail = (value: string) => !/[\s"<>()[\],;:\\]/.test(value) && /^[^@]+@[^@.]+(\.[^@.]+)+$/.test(value);

export const isE164 = (value: string) => /^\+[1-9]\d{6,14}$/.test(value);

export const isEmpty = (object: object) => !Object.keys(object).length;

/** `value` when it is an object and not an array, else an empty one. */
export const record = (value: unknown): Properties => (value && typeof value == 'object' && !Array.isArray(value) ? value : {}) as Properties;

/**
 * A JSON-safe copy of page data within Klaviyo's limits (100 KB strings, 400 properties, 10 levels). What JSON
 * cannot carry (functions, symbols, cycles, DOM nodes, NaN) is left out with a debug reason; Dates become ISO
 * strings, BigInts strings, objects with toJSON what it returns; keys that could pollute prototypes are dropped.
 */
export function sanitize(input: unknown, log: Logger, path = 'properties'): Properties {
  const seen = new WeakSet<object>();
  // Objects shared within the data are copied wherever they appear: a budget (250,000 values, 3.5 M characters
  // of strings, about what one request may carry) keeps a model graph whose items point at their siblings from
  // blocking the page. Once it is spent, the top level's plain values ($value, $event_id) are still copied.
  let values = 2.5e5;
  let chars = 3.5e6;
  let spent: boolean | undefined;
  // Returns undefined: the value is left out, whatever the logger returns.
  const drop = (at: string, why: string) => void log.warn(`left out ${at}: ${why}`);

  // json: `value` is what a toJSON returned, whose own toJSON is not called (as JSON.stringify does).
  const copy = (value: any, at: string, depth: number, json?: boolean): unknown => {
    const type = typeof value;
    if ((--values < 0 || chars < 0) && (depth > 1 || (value && type == 'object'))) {
      if (spent) return;
      spent = true;
      return drop(at, 'over 3.5 M characters or 250,000 values in all');
    }
    if (type == 'string') {
      const cut = clip(value);
      if (cut != value) drop(at, 'cut to 100 KB');
      chars -= cut.length;
      return cut;
    }
    if (type == 'number') return isFinite(value) ? value : drop(at, `${value} is not a JSON number`);
    if (type == 'boolean' || value == null) return value;
    if (type == 'bigint') return String(value);
    if (type != 'object') return drop(at, `a ${type}`);
    if (typeof value.nodeType == 'number' || value === value.window) return drop(at, 'a DOM node');
    // What JSON.stringify would send: a Date's ISO string (null when invalid), a URL's href, a Decimal's string.
    // One that throws (a method copied off its object) is passed over: the fields are copied instead.
    if (!json && typeof value.toJSON == 'function') {
      try {
        return copy(value.toJSON(), at, depth, true);
      } catch {}
    }
    if (seen.has(value)) return drop(at, 'circular reference');
    if (depth > 9) return drop(at, 'over 10 levels');
    seen.add(value);
    const array = Array.isArray(value);
    const result: any = array ? [] : {};
    let count = 0;
    for (const key of (array ? value.keys() : Object.keys(value)) as Iterable<string>) {
      const where = `${at}.${key}`;
      if (!array && (/^(__proto__|constructor|prototype)$/.test(key) || clip(key) != key)) {
        drop(where.slice(0, 200), 'reserved or too long key');
        continue;
      }
      let item;
      try {
        item = copy(value[key], where, depth + 1);
      } catch {
        item = drop(where, 'reading it threw');
      }
      if (item === undefined) continue;
      if (array) result.push(item);
      else if (depth || ++count <= 400) result[key] = item;
      else {
        drop(where, 'over 400 properties');
        break;
      }
    }
    seen.delete(value);
    return result;
  };

  // null and undefined copy as themselves: no properties.
  return record(copy(input, path, 0));
}

/**
 * A profile's custom properties, trimmed to fit one request (4 MB, under Klaviyo's 5 MB): the largest go first,
 * each with a debug reason. identify() keeps the visitor's identifiers rather than refuse them for a property;
 * track() refuses an event that does not fit instead (client.ts), so that no event is sent half.
 */
export function trimToFit(properties: Properties, log: Logger, path: string): Properties {
  const size = (v: unknown) => byteSize(JSON.stringify(v));
  let total = size(properties);
  const sizes = Object.keys(properties).map((key) => [key, size(properties[key])] as const);
  for (const [key, bytes] of sizes.sort((a, b) => b[1] - a[1])) {
    if (total < 3.9e6) break;
    total -= bytes;
    delete properties[key];
    log.warn(`left out ${path}.${key}: over 4 MB in all`);
  }
  return properties;
}
