// Fresh, valid request bodies for each client endpoint, to change one thing at a time in tests.
const profile = (attributes: Record<string, unknown>) => ({ data: { type: 'profile', attributes } });
const metric = (name: string) => ({ data: { type: 'metric', attributes: { name } } });

export function eventBody(name = 'Viewed Product', attributes: Record<string, unknown> = { email: 'ada@example.com' }) {
  return {
    data: {
      type: 'event',
      attributes: {
        properties: { ProductName: 'Cast Iron Kettle', ProductID: 'K-7', Price: 42.5 },
        time: '2026-08-01T09:30:00Z',
        value: 42.5,
        value_currency: 'EUR',
        unique_id: 'b0e3a8a2-2f7e-4c33-9d7e-5f6d3c1a9e01',
        metric: metric(name),
        profile: profile(attributes),
      },
    },
  };
}

export function bulkBody(uniqueIds: Array<string | undefined> = ['bulk-1', 'bulk-2']) {
  return {
    data: {
      type: 'event-bulk-create',
      attributes: {
        profile: profile({ email: 'ada@example.com' }),
        events: {
          data: uniqueIds.map((id, index) => ({
            type: 'event',
            attributes: {
              properties: { Index: index },
              metric: metric(index % 2 ? 'Added to Cart' : 'Viewed Product'),
              ...(id === undefined ? {} : { unique_id: id }),
            },
          })),
        },
      },
    },
  };
}

export function profileBody(attributes: Record<string, unknown> = { email: 'ada@example.com', first_name: 'Ada' }) {
  return { data: { type: 'profile', attributes } };
}

export function subscriptionBody(listId = 'Xy12Ab') {
  return {
    data: {
      type: 'subscription',
      attributes: {
        custom_source: 'Footer form',
        profile: profile({ email: 'ada@example.com', subscriptions: { email: { marketing: { consent: 'SUBSCRIBED' } } } }),
      },
      relationships: { list: { data: { type: 'list', id: listId } } },
    },
  };
}

export function backInStockBody(variant = '$custom:::$default:::KETTLE-RED') {
  return {
    data: {
      type: 'back-in-stock-subscription',
      attributes: { channels: ['EMAIL'], profile: profile({ email: 'ada@example.com' }) },
      relationships: { variant: { data: { type: 'catalog-variant', id: variant } } },
    },
  };
}

export const validBodies = {
  events: eventBody,
  'event-bulk-create': () => bulkBody(),
  profiles: () => profileBody(),
  subscriptions: () => subscriptionBody(),
  'back-in-stock-subscriptions': () => backInStockBody(),
} as const;

/** `body` after `change` (which may mutate freely) has run on it. */
export function edit<T>(body: T, change: (body: any) => void): T {
  change(body);
  return body;
}
