import type { IdentifyInput, Location, Logger, ProfileAttributes, ProfileIdentifiers, Properties } from './types';
import { isE164, isEmail, sanitize } from './validate';

const MAX_EXTERNAL_ID = 64;

// klaviyo.js's legacy `$` spellings, mapped to the client API's attribute names.
const LEGACY: Record<string, string> = {
  $email: 'email',
  $phone_number: 'phone_number',
  $id: 'external_id',
  $exchange_id: '_kx',
  $first_name: 'first_name',
  $last_name: 'last_name',
  $organization: 'organization',
  $title: 'title',
  $image: 'image',
  $locale: 'locale',
};
const STANDARD = /^(email|phone_number|external_id|_kx|first_name|last_name|organization|title|image|locale)$/;
const LOCATION = /^(address1|address2|city|country|region|zip|timezone|latitude|longitude|ip)$/;

const isBlank = (value: unknown) => value === null || value === undefined || value === '';

/**
 * Turns whatever a storefront passes to `identify` into Create Client Profile attributes, field by field:
 * a blank or invalid field is left out with a warning naming it, the rest is kept.
 */
export function toProfile(input: IdentifyInput, log: Logger): ProfileAttributes {
  const profile: Record<string, unknown> = {};
  const location: Location & Properties = {};
  const properties: Properties = {};

  const put = (key: string, value: unknown, from: string) => {
    if (isBlank(value)) return log.debug(`identify: left out ${from}: empty`);
    if (LOCATION.test(key)) {
      location[key] = typeof value === 'number' ? value : String(value);
      return;
    }
    const text = typeof value === 'number' ? String(value) : value;
    if (typeof text !== 'string') return log.warn(`identify: left out ${from}: expected a string`);
    const trimmed = text.trim();
    if (key === 'email' && !isEmail(trimmed)) return log.warn(`identify: left out ${from}: "${trimmed}" is not a valid email address`);
    if (key === 'email' && /@example\.com$/i.test(trimmed)) log.warn(`identify: ${from} is @example.com, which Klaviyo does not process`);
    if (key === 'phone_number' && !isE164(trimmed)) {
      return log.warn(`identify: left out ${from}: "${trimmed}" is not an E.164 phone number (like +15005550006)`);
    }
    if (key === 'external_id' && trimmed.length > MAX_EXTERNAL_ID) {
      log.warn(`identify: ${from} is longer than ${MAX_EXTERNAL_ID} characters and was truncated`);
      profile[key] = trimmed.slice(0, MAX_EXTERNAL_ID);
      return;
    }
    profile[key] = trimmed;
  };

  for (const from of Object.keys(input ?? {})) {
    const value = input[from];
    const key = LEGACY[from] ?? (from.startsWith('$') && LOCATION.test(from.slice(1)) ? from.slice(1) : from);
    if (STANDARD.test(key) || (LOCATION.test(key) && from !== key)) put(key, value, from);
    else if (key === 'location' && value && typeof value === 'object') {
      for (const [part, partValue] of Object.entries(value)) if (LOCATION.test(part)) put(part, partValue, `location.${part}`);
    } else if (key === 'properties' && value && typeof value === 'object') Object.assign(properties, value);
    else if (isBlank(value)) log.debug(`identify: left out ${from}: empty`);
    else properties[from] = value;
  }
  if (Object.keys(location).length) profile.location = location;
  const custom = sanitize(properties, log, 'identify');
  if (Object.keys(custom).length) profile.properties = custom;
  return profile as ProfileAttributes;
}

export function identifiersOf(profile: ProfileAttributes): ProfileIdentifiers {
  const ids: ProfileIdentifiers = {};
  if (profile.email) ids.email = profile.email;
  if (profile.phone_number) ids.phone_number = profile.phone_number;
  if (profile.external_id) ids.external_id = profile.external_id;
  if (profile._kx) ids._kx = profile._kx;
  return ids;
}
