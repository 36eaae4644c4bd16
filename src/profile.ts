import type { IdentifyInput, Logger, ProfileAttributes, ProfileIdentifiers, Properties } from './types';
import { clip } from './number';
import { isE164, isEmail, sanitize } from './validate';

const STANDARD = /^(email|phone_number|external_id|_kx|first_name|last_name|organization|title|image|locale)$/;
const LOCATION = /^(address1|address2|city|country|region|zip|timezone|latitude|longitude|ip)$/;
export const IDENTIFIERS: Array<keyof ProfileIdentifiers> = ['email', 'phone_number', 'external_id', '_kx'];

const isBlank = (value: unknown) => value == null || value === '';

// klaviyo.js's legacy spellings: `$email`, `$first_name`, `$city`…, `$id` and `$exchange_id`.
const modern = (key: string) =>
  key == '$id' ? 'external_id' : key == '$exchange_id' ? '_kx' : key[0] == '$' ? key.slice(1) : key;

/**
 * Turns whatever a storefront passes to `identify` into Create Client Profile attributes, field by field:
 * a blank or invalid field is left out with a warning naming it, the rest is kept.
 */
export function toProfile(input: IdentifyInput, log: Logger): ProfileAttributes {
  const profile: Properties = {};
  const location: Properties = {};
  const properties: Properties = {};

  const put = (key: string, value: unknown, from: string) => {
    if (isBlank(value)) return log.debug(`identify: left out ${from}: empty`);
    const number = typeof value == 'number' && isFinite(value);
    if (!number && typeof value != 'string') return log.warn(`identify: left out ${from}: not a string`);
    let field = clip(String(value).trim());
    if (LOCATION.test(key)) return void (location[key] = number && /^l(at|ong)/.test(key) ? value : field);
    if (key == 'email') {
      if (!isEmail(field)) return log.warn(`identify: left out ${from}: "${field}" is not an email address`);
      if (/@example\.com$/i.test(field)) log.warn(`identify: ${from}: Klaviyo ignores @example.com`);
    }
    if (key == 'phone_number' && !isE164(field)) {
      return log.warn(`identify: left out ${from}: "${field}" is not an E.164 phone number`);
    }
    if (key == 'external_id' && field.length > 64) {
      log.warn(`identify: ${from} truncated to 64 characters`);
      field = field.slice(0, 64).replace(/[\ud800-\udbff]$/, '');
    }
    profile[key] = field;
  };

  for (const from of Object.keys(input || {})) {
    if (from == '__proto__') continue;
    const value = input[from];
    const key = modern(from);
    if (STANDARD.test(key) || (key != from && LOCATION.test(key))) put(key, value, from);
    else if ((key == 'location' || key == 'properties') && value && typeof value == 'object') {
      for (const part of Object.keys(value)) {
        const partValue = (value as Properties)[part];
        if (key == 'properties') part != '__proto__' && (properties[part] = partValue);
        else if (LOCATION.test(part)) put(part, partValue, `location.${part}`);
      }
    } else if (isBlank(value)) log.debug(`identify: left out ${from}: empty`);
    else properties[from] = value;
  }
  if (Object.keys(location).length) profile.location = location;
  const custom = sanitize(properties, log, 'identify');
  if (Object.keys(custom).length) profile.properties = custom;
  return profile as ProfileAttributes;
}

export function identifiersOf(profile: ProfileAttributes): ProfileIdentifiers {
  const ids: ProfileIdentifiers = {};
  for (const key of IDENTIFIERS) if (profile[key]) ids[key] = profile[key];
  return ids;
}
