import type { OutboundRequest, ProfileAttributes, ProfileIdentifiers, SubscribeInput, TrackPayload } from './types';

// JSON:API documents for the client endpoints, as the spec (revision 2026-07-15) describes them.

export function eventBody(event: TrackPayload, profile: ProfileIdentifiers, time: string): OutboundRequest['body'] {
  const attributes: Record<string, unknown> = {
    properties: event.properties,
    time: event.time || time,
    metric: { data: { type: 'metric', attributes: { name: event.metric } } },
    profile: { data: { type: 'profile', attributes: profile } },
  };
  if (event.value !== undefined) attributes.value = event.value;
  if (event.valueCurrency) attributes.value_currency = event.valueCurrency;
  if (event.uniqueId) attributes.unique_id = event.uniqueId;
  return { data: { type: 'event', attributes } };
}

export function profileBody(attributes: ProfileAttributes): OutboundRequest['body'] {
  return { data: { type: 'profile', attributes } };
}

export function subscriptionBody(input: SubscribeInput, profile: ProfileIdentifiers): OutboundRequest['body'] {
  const asked = Array.isArray(input.channels) ? input.channels.filter((c) => (c == 'sms' ? profile.phone_number : c == 'email' && profile.email)) : [];
  const channels = asked.length ? asked : [profile.email ? 'email' : 'sms'];
  const subscriptions: Record<string, unknown> = {};
  for (const channel of channels) subscriptions[channel] = { marketing: { consent: 'SUBSCRIBED' } };
  const attributes: Record<string, unknown> = {
    profile: { data: { type: 'profile', attributes: Object.assign({}, profile, { subscriptions }) } },
  };
  if (typeof input.customSource == 'string' && input.customSource) attributes.custom_source = input.customSource.slice(0, 500);
  return {
    data: {
      type: 'subscription',
      attributes,
      relationships: { list: { data: { type: 'list', id: input.listId } } },
    },
  };
}
