import { fail } from '../errors';
import { isEmpty } from '../events/validate';
import { COOKIE_KEYS } from '../identity/cookie';
import type { ProfileIdentifiers, SubscribeInput } from '../types';

// In the order of COOKIE_KEYS' first two: email, phone_number.
const CHANNELS = ['email', 'sms'];

export interface Subscription {
  /** The email and phone_number the subscription's profile carries. */
  ids: ProfileIdentifiers;
  /** The channels consented to: those asked for that have a valid identifier. */
  channels: string[];
}

/**
 * Which identifiers a subscription carries and which channels it consents to, given the visitor's stored ones.
 * None of the channels asked for has a valid identifier: the call is refused.
 */
export function subscriptionOf(input: SubscribeInput, known: ProfileIdentifiers): Subscription {
  const ids: ProfileIdentifiers = {};
  const given: string[] = [];
  // The given email and phone_number, else the stored ones (email and phone are the first two keys).
  COOKIE_KEYS.slice(0, 2).forEach(([key, , valid], i) => {
    // Given, even as something other than a string: then it is invalid, not absent.
    let value = known[key];
    if (input[key as 'email'] != null) {
      value = input[key as 'email'];
      given.push(CHANNELS[i]);
    }
    // undefined reads "undefined": neither an email nor a phone number.
    if (valid(value!)) ids[key] = value;
  });
  // Consent only for the channels asked for, else those of the identifiers given, else email (or SMS) on file.
  const wanted: string[] = input.channels == null ? [] : ([] as string[]).concat(input.channels);
  const asked = wanted.length ? wanted : given.length ? given : [ids.email ? 'email' : 'sms'];
  const channels = CHANNELS.filter((channel, i) => asked.includes(channel) && ids[COOKIE_KEYS[i][0]]);
  if (!channels.length) {
    fail('no_identifier', `subscribe: no valid ${isEmpty(ids) ? 'email or phone_number' : `identifier for ${asked.join(' and ')}`}`);
  }
  return { ids, channels };
}
