import type { OutboundRequest, ProfileAttributes, ProfileIdentifiers, SubscribeInput, TrackPayload } from '../types';

// JSON:API documents for the client endpoints, as the spec (revision 2026-07-15) describes them.

type Body = OutboundRequest['body'];

/** `{ data: { type, attributes } }`: every document, and every related resource inside one. */
export const resource = (type: string, attributes: unknown): Body => ({ data: { type, attributes } });

export function eventBody(event: TrackPayload, profile: ProfileIdentifiers, time: string): Body {
  const attributes: Record<string, unknown> = {
    properties: event.properties,
    time: event.time || time,
    metric: resource('metric', { name: event.metric }),
    profile: resource('profile', profile),
  };
  if (event.value !== undefined) attributes.value = event.value;
  if (event.valueCurrency) attributes.value_currency = event.valueCurrency;
  if (event.uniqueId) attributes.unique_id = event.uniqueId;
  return resource('event', attributes);
}

export const profileBody = (attributes: ProfileAttributes) => resource('profile', attributes);

export function subscriptionBody(input: SubscribeInput, profile: ProfileIdentifiers, channels: string[]): Body {
  const subscriptions: Record<string, unknown> = {};
  for (const channel of channels) subscriptions[channel] = { marketing: { consent: 'SUBSCRIBED' } };
  const attributes: Record<string, unknown> = { profile: resource('profile', Object.assign({}, profile, { subscriptions })) };
  if (typeof input.customSource == 'string' && input.customSource) attributes.custom_source = input.customSource.slice(0, 500);
  const body = resource('subscription', attributes);
  body.data.relationships = { list: { data: { type: 'list', id: input.listId } } };
  return body;
}
