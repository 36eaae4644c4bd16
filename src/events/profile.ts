import { clip } from './number';
import type { IdentifyInput, Logger, ProfileAttributes, Properties } from '../types';
import { isE164, isEmail, isEmpty, sanitize, trimToFit } from './validate';

const STANDARD = /^(email|phone_number|external_id|_kx|first_name|last_name|organization|title|image|locale)$/;
const LOCATION = /^(address[12]|city|country|region|zip|timezone|latitude|longitude|ip)$/;

const isBlank = (value: unknown) => value == null || value === '';

// klaviyo.js's legacy spellings: `$email`, `$first_name`, `$city`…, `$id` and `$exchange_id`.
const modern = (key: string) =>
  key == '$id' ? 'external_id' : key == '$exchange_id' ? '_kx' : key.replace(/^\$/, '');

/**
 * Turns whatever a storefront passes to `identify` into Create Client Profile attributes, field by field:
 * a blank or invalid field is left out with a warning naming it, the rest is kept. Blank is not invalid: it is
 * only a debug line.
 */
export function toProfile(input: IdentifyInput, log: Logger): ProfileAttributes {
  const profile: Properties = {};
  const address: Properties = {};
  // No prototype: a key "__proto__" is a key, which the cleaner leaves out.
  const properties: Properties = Object.create(null);
  const leftOut = (from: string, why: string) => log.warn(`identify: left out ${from}: ${why}`);
  const blank = (from: string) => log.debug(`identify: left out ${from}: empty`);

  const put = (key: string, value: unknown, from: string) => {
    if (isBlank(typeof value == 'string' ? value.trim() : value)) return blank(from);
    const number = typeof value == 'number' && isFinite(value);
    if (!number && typeof value != 'string') return leftOut(from, 'not a string');
    let field = clip(String(value).trim());
    if (LOCATION.test(key)) {
      address[key] = number && /^l(at|ong)/.test(key) ? value : field;
      return;
    }
    if (key == 'email' && !isEmail(field)) return leftOut(from, `"${field}" is not an email address`);
    if (key == 'phone_number' && !isE164(field)) return leftOut(from, `"${field}" is not E.164`);
    if (key == 'external_id' && field.length > 64) {
      log.warn(`identify: ${from} truncated to 64 characters`);
      field = field.slice(0, 64).replace(/[\ud800-\udbff]$/, '');
    }
    profile[key] = field;
  };

  for (const [from, value] of Object.entries(input)) {
    const key = modern(from);
    if (STANDARD.test(key) || (key != from && LOCATION.test(key))) put(key, value, from);
    else if ((key == 'location' || key == 'properties') && value && typeof value == 'object') {
      for (const [part, partValue] of Object.entries(value)) {
        if (key == 'properties') properties[part] = partValue;
        else if (LOCATION.test(part)) put(part, partValue, `location.${part}`);
      }
    } else if (isBlank(value)) blank(from);
    else properties[from] = value;
  }
  const custom = trimToFit(sanitize(properties, log, 'identify'), log, 'identify');
  if (!isEmpty(address)) profile.location = address;
  if (!isEmpty(custom)) profile.properties = custom;
  return profile as ProfileAttributes;
}
