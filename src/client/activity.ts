import { browserOf, osOf } from '../events/user-agent';
import type { Properties, TrackPayload } from '../types';

/** The metric klaviyo.js sends on page loads, which Klaviyo shows as "Active on Site". */
export const ACTIVITY = '__activity__';

/**
 * klaviyo.js's flags on every event (Klaviyo locates the profile by the request's IP, and counts the session),
 * unless the caller set them; left out of an event that would then pass the 400 properties Klaviyo takes.
 */
export const withSession = (properties: Properties): Properties =>
  Object.keys(properties).length < 399 ? Object.assign({ $use_ip: true, $is_session_activity: true }, properties) : properties;

/** This page load's Active on Site event. */
export function activityEvent(): TrackPayload {
  const page = new URL(location.href);
  const params = page.searchParams;
  // _kx says who the visitor is: no part of the page's address. (Deleting re-encodes the query: only then.)
  if (params.has('_kx')) params.delete('_kx');
  const properties: Properties = { page: page.href, browser: browserOf(navigator.userAgent), os: osOf(navigator.userAgent) };
  params.forEach((value, name) => {
    if (/^utm_/.test(name)) properties[name] = value;
  });
  try {
    const from = new URL(document.referrer).hostname;
    if (from && from != location.hostname) properties.referrer = from;
  } catch {
    // No referrer (""), or one that is not a URL: none is reported.
  }
  return { metric: ACTIVITY, properties };
}
