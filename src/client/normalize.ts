import { scalar } from '../adapters/ecommerce';
import { randomId } from '../identity/cookie';
import { clip, toNumber } from '../events/number';
import { sanitize } from '../events/validate';
import type { Logger, TrackPayload } from '../types';
import { withSession } from './activity';

/**
 * An event as it is sent: properties made safe to serialise, klaviyo.js's session flags added, `$value` a number (or left out), a `unique_id`
 * (`$event_id`, else a fresh UUID, so that a retry never counts twice) and the time it was tracked.
 */
export function normalizeEvent(payload: TrackPayload, log: Logger, now: number): TrackPayload {
  const properties = withSession(sanitize(payload.properties, log));
  if ('$value' in properties) {
    properties.$value = toNumber(properties.$value);
    if (properties.$value === undefined) {
      log.warn(`left out "${payload.metric}" $value: not a number`);
      delete properties.$value;
    }
  }
  return Object.assign({}, payload, {
    properties,
    // The adapter's value first, else $value.
    value: isFinite(payload.value!) ? payload.value : properties.$value,
    // Only a string or number can name one event: "[object Object]" would merge unrelated ones.
    uniqueId: clip(payload.uniqueId || (scalar(properties.$event_id) ? String(properties.$event_id) : randomId())),
    time: payload.time || new Date(now).toISOString(),
  });
}
