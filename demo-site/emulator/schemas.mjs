import { existsSync } from 'node:fs';
// JSON Schemas of the client API request bodies (revision 2026-07-15), written from the facts of
// Klaviyo's OpenAPI description. Like the spec, objects accept keys they do not name.

const string = { type: 'string' };
const text = { type: ['string', 'null'] };
const object = { type: 'object' };
const orNull = (schema) => ({ ...schema, type: [schema.type, 'null'].flat() });
const oneOf = (...values) => ({ type: 'string', enum: values });
const maybe = (...values) => ({ type: ['string', 'null'], enum: [...values, null] });
const shape = (properties, required) => ({ type: 'object', properties, ...(required && { required }) });
const texts = (...names) => Object.fromEntries(names.map((name) => [name, text]));
const wrap = (data) => shape({ data }, ['data']);
const resource = (type, attributes, extra) =>
  shape({ type: oneOf(type), ...extra, attributes }, ['type', 'attributes']);
const link = (type) => shape({ data: shape({ type: oneOf(type), id: string }, ['type', 'id']) });

const location = orNull(
  shape({
    ...texts('address1', 'address2', 'city', 'country', 'region', 'zip', 'timezone', 'ip'),
    latitude: { type: ['string', 'number', 'null'] },
    longitude: { type: ['string', 'number', 'null'] },
  }),
);

const meta = orNull(
  shape({
    patch_properties: orNull(
      shape({
        append: orNull(object),
        unappend: orNull(object),
        unset: { type: ['string', 'array', 'null'], items: string },
      }),
    ),
    patch_identifiers: orNull(shape({ append: object, unappend: object })),
  }),
);

const identifiers = texts('email', 'phone_number', 'external_id');
const upsert = {
  ...identifiers,
  ...texts('_kx', 'first_name', 'last_name', 'organization', 'locale', 'title', 'image'),
  location,
  properties: orNull(object),
};
const onsite = { ...upsert, anonymous_id: text };

const consent = shape({ consent: oneOf('SUBSCRIBED'), consented_at: { ...text, format: 'date-time' } }, ['consent']);
const optional = orNull(consent);
const pushToken = shape(
  {
    token: string,
    platform: oneOf('android', 'ios'),
    vendor: oneOf('apns', 'fcm'),
    enablement_status: maybe('AUTHORIZED', 'DENIED', 'NOT_DETERMINED', 'PROVISIONAL', 'UNAUTHORIZED'),
    background: maybe('AVAILABLE', 'DENIED', 'RESTRICTED'),
    device_metadata: orNull(
      shape({
        ...texts('device_id', 'sdk_version', 'device_model', 'os_version', 'manufacturer'),
        ...texts('app_name', 'app_version', 'app_build', 'app_id'),
        klaviyo_sdk: maybe('android', 'flutter', 'flutter_community', 'react_native', 'swift'),
        os_name: maybe('android', 'ios', 'ipados', 'macos', 'tvos'),
        environment: maybe('debug', 'release'),
      }),
    ),
  },
  ['token', 'platform', 'vendor'],
);
const channels = orNull(
  shape({
    email: orNull(shape({ marketing: optional, open_tracking: orNull(shape({ consent: oneOf('SUBSCRIBED') }, ['consent'])) })),
    sms: orNull(shape({ marketing: optional, transactional: optional })),
    whatsapp: orNull(shape({ marketing: optional, transactional: optional })),
    push: orNull(
      shape({ marketing: consent, tokens: { type: ['array', 'null'], items: pushToken }, anonymous_id: text }, [
        'marketing',
      ]),
    ),
  }),
);

const id = { id: text };
const metric = wrap(resource('metric', shape({ name: string, service: text }, ['name'])));
const eventFields = {
  properties: object,
  time: { ...text, format: 'date-time' },
  value: { type: ['number', 'null'] },
  value_currency: text,
  unique_id: text,
  backfill: { type: ['boolean', 'null'] },
  metric,
};
const onsiteProfile = resource('profile', shape(onsite), { ...id, meta });

export const schemas = {
  events: wrap(
    resource(
      'event',
      shape(
        { ...eventFields, profile: wrap(resource('profile', shape({ ...onsite, meta }), id)) },
        ['properties', 'metric', 'profile'],
      ),
    ),
  ),
  'event-bulk-create': wrap(
    resource(
      'event-bulk-create',
      shape(
        {
          backfill: { type: ['boolean', 'null'] },
          profile: wrap(onsiteProfile),
          events: wrap({ type: 'array', items: resource('event', shape(eventFields, ['properties', 'metric'])) }),
        },
        ['profile', 'events'],
      ),
    ),
  ),
  profiles: wrap(onsiteProfile),
  subscriptions: wrap({
    ...resource(
      'subscription',
      shape(
        {
          custom_source: text,
          profile: wrap(resource('profile', shape({ ...upsert, meta, subscriptions: channels }), id)),
        },
        ['profile'],
      ),
      { relationships: shape({ list: link('list') }, ['list']) },
    ),
    required: ['type', 'attributes', 'relationships'],
  }),
  'back-in-stock-subscriptions': wrap({
    ...resource(
      'back-in-stock-subscription',
      shape(
        {
          channels: { type: 'array', items: oneOf('EMAIL', 'PUSH', 'SMS', 'WHATSAPP') },
          profile: wrap(resource('profile', shape(identifiers), id)),
        },
        ['channels', 'profile'],
      ),
      { relationships: shape({ variant: link('catalog-variant') }, ['variant']) },
    ),
    required: ['type', 'attributes', 'relationships'],
  }),
};

/** The options every compilation of `schemas` uses, here and in scripts/emulator-validators.mjs. */
export const ajvOptions = { allErrors: true, verbose: true, allowUnionTypes: true };
export const formats = ['date-time'];

const validators = await loadValidators();

/**
 * The published package ships the validators precompiled (validators.gen.mjs, written by the build from these
 * very schemas), so the emulator bin runs with the package's dependencies alone; ajv (a devDependency) is only
 * loaded here when that file is absent or was built from other schemas (a working copy after an edit).
 */
async function loadValidators() {
  const file = new URL('./validators.gen.mjs', import.meta.url);
  // Looked up first, and imported by URL: a bundler's import analysis must not require a file only a build makes.
  const generated = existsSync(file) ? await import(/* @vite-ignore */ file.href) : undefined;
  if (generated?.schemasJson === JSON.stringify(schemas)) return generated.validators;
  const [{ default: Ajv }, { default: addFormats }] = await Promise.all([import('ajv'), import('ajv-formats')]);
  const ajv = new Ajv(ajvOptions);
  addFormats(ajv, formats);
  return Object.fromEntries(Object.entries(schemas).map(([name, schema]) => [name, ajv.compile(schema)]));
}

/**
 * @param {string} endpoint one of the keys of `schemas`
 * @param {unknown} body the parsed request body
 * @returns {{ valid: boolean, errors: Array<{ pointer: string, detail: string }> }}
 */
export function validateBody(endpoint, body) {
  const validate = validators[endpoint];
  if (!validate) throw new TypeError(`Unknown client endpoint: ${endpoint}`);
  const valid = validate(body);
  return { valid, errors: valid ? [] : readable(validate.errors ?? []) };
}

/** Ajv errors as JSON pointers to the offending field, each with a sentence about it. */
export function readable(errors) {
  const seen = new Set();
  return errors.flatMap((error) => {
    const missing = error.params?.missingProperty;
    const pointer = missing === undefined ? error.instancePath : `${error.instancePath}/${escape(missing)}`;
    const detail = describe(error, pointer);
    const key = pointer + detail;
    if (seen.has(key)) return [];
    seen.add(key);
    return [{ pointer, detail }];
  });
}

const escape = (key) => String(key).replaceAll('~', '~0').replaceAll('/', '~1');
const kind = (value) => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value);

function describe(error, pointer) {
  const field = `'${pointer.split('/').pop().replaceAll('~1', '/').replaceAll('~0', '~') || 'body'}'`;
  const { keyword, params } = error;
  if (keyword === 'required') return `${field} is required`;
  if (keyword === 'type') return `${field} must be ${[params.type].flat().join(' or ')}, not ${kind(error.data)}`;
  if (keyword === 'enum') return `${field} must be one of ${params.allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
  if (keyword === 'format') return `${field} must be a ${params.format} (RFC 3339)`;
  return `${field} ${error.message}`;
}
