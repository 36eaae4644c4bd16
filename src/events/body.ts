import { put } from '../adapters/ecommerce';
import type { OutboundRequest, ProfileIdentifiers, SubscribeInput, TrackPayload } from '../types';

// JSON:API documents for the client endpoints, as the spec (revision 2026-07-15) describes them.

type Body = OutboundRequest['body'];

/** `{ data: { type, attributes } }`: every document, and every related resource inside one. */
export const resource = (type: string, attributes: unknown): Body => ({ data: { type, attributes } });

/** A relationship's `{ data: { type, id } }`. */
export const related = (type: string, id: unknown) => ({ data: { type, id } });

/** `event` as normalizeEvent made it: its time set. */
export function eventBody(event: TrackPayload, profile: ProfileIdentifiers): Body {
  const attributes = {
    properties: event.properties,
    time: event.time,
    metric: resource('metric', { name: event.metric }),
    profile: resource('profile', profile),
  };
  return resource('event', put(attributes, 'value value_currency unique_id', [event.value, event.valueCurrency, event.uniqueId]));
}

export function subscriptionBody(input: SubscribeInput, profile: ProfileIdentifiers, channels: string[]): Body {
  const subscriptions: Record<string, unknown> = {};
  for (const channel of channels) subscriptions[channel] = { marketing: { consent: 'SUBSCRIBED' } };
  const attributes: Record<string, unknown> = { profile: resource('profile', Object.assign({}, profile, { subscriptions })) };
  if (typeof input.customSource == 'string' && input.customSource) attributes.custom_source = input.customSource.slice(0, 500);
  const body = resource('subscription', attributes);
  body.data.relationships = { list: related('list', input.listId) };
  return body;
}
