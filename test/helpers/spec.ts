// Request bodies checked twice: against our schemas, and against Klaviyo's own OpenAPI description
// when ../shared sits next to the repo (it is read there, never copied).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { readable, validateBody, type BodyError } from '../../demo-site/emulator/schemas.mjs';

type Verdict = { valid: boolean; errors: BodyError[] };
type Node = unknown;

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const sharedDir = path.resolve(repoRoot, '../shared');
const specFile = path.join(sharedDir, 'klaviyo/client-openapi.json');

export const officialSpecAvailable = existsSync(specFile);
export const officialSkipMessage = `official spec checks skipped: ${specFile} not found`;

/** OpenAPI 3.0 schema → JSON Schema: `nullable` admits null, `example` goes. */
function convert(node: Node): Node {
  if (Array.isArray(node)) return node.map(convert);
  if (!node || typeof node !== 'object') return node;
  const { nullable, example: _example, ...rest } = node as Record<string, unknown>;
  const schema = Object.fromEntries(Object.entries(rest).map(([key, value]) => [key, convert(value)]));
  if (nullable !== true) return schema;
  if (typeof schema.type === 'string' && !schema.$ref) {
    const enumeration = Array.isArray(schema.enum) ? { enum: [...schema.enum, null] } : {};
    return { ...schema, type: [schema.type, 'null'], ...enumeration };
  }
  return { anyOf: [schema, { type: 'null' }] };
}

/** A JSON file below ../shared, e.g. 'klaviyo/client-openapi.json' (check availability first): only the official cross-check reads it. */
export function readSharedJson(relative: string): any {
  return JSON.parse(readFileSync(path.join(sharedDir, relative), 'utf8'));
}

let compiled: Map<string, ValidateFunction> | undefined;

function official(endpoint: string): ValidateFunction {
  if (!compiled) {
    const spec = readSharedJson('klaviyo/client-openapi.json');
    const ajv = new Ajv({ allErrors: true, verbose: true, strict: false });
    addFormats(ajv);
    ajv.addSchema({ $id: 'client-openapi', components: { schemas: convert(spec.components.schemas) } });
    compiled = new Map();
    for (const [route, item] of Object.entries<any>(spec.paths)) {
      const ref: string | undefined = item.post?.requestBody?.content?.['application/vnd.api+json']?.schema?.$ref;
      if (ref) compiled.set(route.replace('/client/', ''), ajv.compile({ $ref: `client-openapi${ref}` }));
    }
  }
  const validate = compiled.get(endpoint);
  if (!validate) throw new Error(`The official spec has no POST /client/${endpoint}`);
  return validate;
}

/** Validates against the official spec's request body schema; throws when the spec is absent. */
export function validateOfficial(endpoint: string, body: unknown): Verdict {
  const validate = official(endpoint);
  const valid = validate(body) as boolean;
  return { valid, errors: valid ? [] : readable(validate.errors ?? []) };
}

const list = (errors: BodyError[]) => errors.map((e) => `  ${e.pointer || '(body)'}: ${e.detail}`).join('\n');

/** Throws, naming every offending field, unless `body` is valid for POST /client/<endpoint>. */
export function expectValidBody(endpoint: string, body: unknown): void {
  const ours = validateBody(endpoint, body);
  if (!ours.valid) throw new Error(`Body for /client/${endpoint} breaks our schema:\n${list(ours.errors)}`);
  if (!officialSpecAvailable) return;
  const theirs = validateOfficial(endpoint, body);
  if (!theirs.valid) throw new Error(`Body for /client/${endpoint} breaks Klaviyo's spec:\n${list(theirs.errors)}`);
}
