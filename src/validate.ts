import type { Logger, Properties } from './types';

// Klaviyo's published limits for event payloads.
const MAX_STRING = 100_000;
const MAX_PROPERTIES = 400;
const MAX_DEPTH = 10;
const FORBIDDEN_KEYS = /^(__proto__|constructor|prototype)$/;

export const isEmail = (value: string) => /^[^\s@"<>()[\],;:\\]+@[^\s@"<>()[\],;:\\.]+(\.[^\s@"<>()[\],;:\\.]+)+$/.test(value);

export const isE164 = (value: string) => /^\+[1-9]\d{6,14}$/.test(value);

export function isMetricName(name: unknown): name is string {
  return typeof name === 'string' && name.trim().length > 0 && name.length <= 127;
}

/**
 * A JSON-safe copy of page data. What JSON cannot carry (functions, symbols, cycles, DOM nodes, NaN) is left
 * out with a debug reason; Dates become ISO strings, BigInts strings; strings and nesting are kept within
 * Klaviyo's limits; keys that could pollute prototypes are dropped.
 */
export function sanitize(input: unknown, log: Logger, path = 'properties'): Properties {
  const seen = new WeakSet<object>();
  const drop = (at: string, why: string) => log.warn(`left out ${at}: ${why}`);

  const copy = (value: unknown, at: string, depth: number): unknown => {
    switch (typeof value) {
      case 'string':
        if (value.length <= MAX_STRING) return value;
        drop(at, `string longer than ${MAX_STRING} characters was cut`);
        return value.slice(0, MAX_STRING);
      case 'number':
        if (Number.isFinite(value)) return value;
        return drop(at, `${value} is not a number JSON can carry`);
      case 'boolean':
        return value;
      case 'bigint':
        return String(value);
      case 'object':
        break;
      default:
        return value === undefined ? undefined : drop(at, `a ${typeof value} cannot be sent`);
    }
    if (value === null) return null;
    if (value instanceof Date) return Number.isNaN(value.getTime()) ? drop(at, 'invalid Date') : value.toISOString();
    if (typeof (value as Node).nodeType === 'number' || value === (globalThis as { window?: unknown }).window) {
      return drop(at, 'a DOM node cannot be sent');
    }
    if (seen.has(value)) return drop(at, 'circular reference');
    if (depth >= MAX_DEPTH) return drop(at, `nested deeper than ${MAX_DEPTH} levels`);
    seen.add(value);
    let result: unknown;
    if (Array.isArray(value)) {
      const list: unknown[] = [];
      for (let i = 0; i < value.length; i++) {
        const item = copy(value[i], `${at}[${i}]`, depth + 1);
        if (item !== undefined) list.push(item);
      }
      result = list;
    } else {
      const object: Properties = {};
      let count = 0;
      for (const key of Object.keys(value)) {
        if (FORBIDDEN_KEYS.test(key)) {
          drop(`${at}.${key}`, 'reserved key');
          continue;
        }
        let item: unknown;
        try {
          item = copy((value as Properties)[key], `${at}.${key}`, depth + 1);
        } catch {
          item = drop(`${at}.${key}`, 'reading it threw');
        }
        if (item === undefined) continue;
        if (depth === 0 && ++count > MAX_PROPERTIES) {
          drop(`${at}.${key}`, `more than ${MAX_PROPERTIES} properties`);
          break;
        }
        object[key] = item;
      }
      result = object;
    }
    seen.delete(value);
    return result;
  };

  const result = copy(input ?? {}, path, 0);
  return result && typeof result === 'object' && !Array.isArray(result) ? (result as Properties) : {};
}
