import { clip } from './number';
import type { Logger, Properties } from './types';

export const isEmail = (value: string) => /^[^\s@"<>()[\],;:\\]+@[^\s@"<>()[\],;:\\.]+(\.[^\s@"<>()[\],;:\\.]+)+$/.test(value);

export const isE164 = (value: string) => /^\+[1-9]\d{6,14}$/.test(value);

export const isMetricName = (name: unknown): name is string =>
  typeof name == 'string' && !!name.trim() && name.length < 128;

/**
 * A JSON-safe copy of page data within Klaviyo's limits (100 KB strings, 400 properties, 10 levels). What JSON
 * cannot carry (functions, symbols, cycles, DOM nodes, NaN) is left out with a debug reason; Dates become ISO
 * strings, BigInts strings; keys that could pollute prototypes are dropped.
 */
export function sanitize(input: unknown, log: Logger, path = 'properties'): Properties {
  const seen = new WeakSet<object>();
  // Returns undefined: the value is left out, whatever the logger returns.
  const drop = (at: string, why: string) => void log.warn(`left out ${at}: ${why}`);

  const copy = (value: any, at: string, depth: number): unknown => {
    const type = typeof value;
    if (type == 'string') {
      const cut = clip(value);
      if (cut != value) drop(at, 'cut to 100 KB');
      return cut;
    }
    if (type == 'number') return isFinite(value) ? value : drop(at, `${value} is not a JSON number`);
    if (type == 'boolean' || value == null) return value;
    if (type == 'bigint') return String(value);
    if (type != 'object') return drop(at, `a ${type} cannot be sent`);
    if (Object.prototype.toString.call(value) == '[object Date]') {
      return isNaN(value.getTime()) ? drop(at, 'invalid Date') : value.toISOString();
    }
    if (typeof value.nodeType == 'number' || value === value.window) return drop(at, 'a DOM node cannot be sent');
    if (seen.has(value)) return drop(at, 'circular reference');
    if (depth > 9) return drop(at, 'deeper than 10 levels');
    seen.add(value);
    const array = Array.isArray(value);
    const result: any = array ? [] : {};
    let count = 0;
    for (const key of (array ? value.keys() : Object.keys(value)) as Iterable<string>) {
      const where = array ? `${at}[${key}]` : `${at}.${key}`;
      if (!array && (/^(__proto__|constructor|prototype)$/.test(key) || clip(key) != key)) {
        drop(where.slice(0, 200), 'reserved or longer than 100 KB key');
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
        drop(where, 'more than 400 properties');
        break;
      }
    }
    seen.delete(value);
    return result;
  };

  const result: any = copy(input == null ? {} : input, path, 0);
  if (!result || typeof result != 'object' || Array.isArray(result)) return {};
  // Klaviyo refuses event payloads over 5 MB: drop the largest properties until it fits.
  const size = (v: unknown) => new TextEncoder().encode(JSON.stringify(v)).length;
  if (JSON.stringify(result).length * 3 > 4.9e6) {
    let total = size(result);
    for (const key of Object.keys(result).sort((a, b) => size(result[b]) - size(result[a]))) {
      if (total < 4.9e6) break;
      total -= size(result[key]);
      delete result[key];
      drop(`${path}.${key}`, 'the payload would pass 5 MB');
    }
  }
  return result;
}
