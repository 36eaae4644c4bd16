// What Klaviyo checks beyond the request schema, and the facts the emulator records about a body.

const identifierKeys = ['email', 'phone_number', 'external_id', '_kx', 'anonymous_id'];
const needs = {
  events: ['id', ...identifierKeys],
  'event-bulk-create': ['id', ...identifierKeys],
  profiles: ['id', ...identifierKeys],
  subscriptions: ['email', 'phone_number'],
  'back-in-stock-subscriptions': ['email', 'phone_number', 'external_id'],
};
const maxBulkEvents = 1000;
const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const phonePattern = /^\+[1-9]\d{1,14}$/;

const isObject = (value) => typeof value === 'object' && value !== null && !Array.isArray(value);

const profilePath = (endpoint) => (endpoint === 'profiles' ? '/data' : '/data/attributes/profile/data');

function profileResource(endpoint, body) {
  const resource = endpoint === 'profiles' ? body?.data : body?.data?.attributes?.profile?.data;
  return isObject(resource) ? resource : undefined;
}

/** The identifiers a body names its profile by, empty ones left out. */
export function profileOf(endpoint, body) {
  const resource = profileResource(endpoint, body);
  if (!resource) return undefined;
  const attributes = isObject(resource.attributes) ? resource.attributes : {};
  const found = Object.entries({ id: resource.id, ...attributes }).filter(
    ([key, value]) => (key === 'id' || identifierKeys.includes(key)) && typeof value === 'string' && value !== '',
  );
  return Object.fromEntries(found);
}

/** One stable key per profile: its strongest identifier. */
export function profileKey(profile = {}) {
  const key = ['email', 'phone_number', 'external_id', '_kx', 'anonymous_id', 'id'].find((name) => profile[name]);
  return key ? `${key}:${String(profile[key]).toLowerCase()}` : '';
}

/** Events in a body as { metric, uniqueId, time } (bulk: one per entry). */
export function eventsOf(endpoint, body) {
  const attributes = body?.data?.attributes;
  const entries =
    endpoint === 'events'
      ? [attributes]
      : endpoint === 'event-bulk-create' && Array.isArray(attributes?.events?.data)
        ? attributes.events.data.map((entry) => entry?.attributes)
        : [];
  return entries.filter(isObject).map((event) => ({
    metric: event.metric?.data?.attributes?.name,
    uniqueId: event.unique_id ?? undefined,
    time: event.time ?? undefined,
  }));
}

/**
 * Checks of a schema-valid body, as { pointer, detail } like validateBody's.
 * @param {string} endpoint
 * @param {any} body
 */
export function ruleErrors(endpoint, body) {
  const errors = [];
  const at = `${profilePath(endpoint)}/attributes`;
  const attributes = profileResource(endpoint, body)?.attributes ?? {};
  const profile = profileOf(endpoint, body) ?? {};
  if (!needs[endpoint].some((key) => profile[key])) {
    errors.push({ pointer: at, detail: `the profile needs one of ${needs[endpoint].join(', ')}` });
  }
  if (typeof attributes.email === 'string' && !emailPattern.test(attributes.email)) {
    errors.push({ pointer: `${at}/email`, detail: `'email' is not a valid email address` });
  }
  if (typeof attributes.phone_number === 'string' && !phonePattern.test(attributes.phone_number)) {
    errors.push({ pointer: `${at}/phone_number`, detail: `'phone_number' must be E.164, like +12125550142` });
  }
  if (endpoint === 'event-bulk-create') errors.push(...bulkErrors(body.data.attributes.events.data));
  return errors;
}

function bulkErrors(entries) {
  if (entries.length > maxBulkEvents) {
    return [{ pointer: '/data/attributes/events/data', detail: `at most ${maxBulkEvents} events per request` }];
  }
  const seen = new Set();
  return entries.flatMap(({ attributes }, index) => {
    const name = attributes.metric.data.attributes.name;
    const id = attributes.unique_id;
    if (id == null) return [];
    const key = `${name}\u0000${id}`;
    if (!seen.has(key)) {
      seen.add(key);
      return [];
    }
    return [
      {
        pointer: `/data/attributes/events/data/${index}/attributes/unique_id`,
        detail: `unique_id '${id}' repeats for metric '${name}': no event in this request was processed`,
      },
    ];
  });
}
