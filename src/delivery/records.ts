import { parseJson } from './storage';
import type { Endpoint, Logger, OutboundRequest } from '../types';

/** One request waiting in the outbox. */
export interface Rec {
  id: string;
  endpoint: Endpoint;
  body: OutboundRequest['body'];
  /** The visitor's profileKey: what may be bulked together. */
  key: string;
  /** The account and API base it is sent under, whichever page sends it; no account yet: its page's is unknown. */
  companyId?: string;
  apiBase: string;
  /** unique_id of a single event. */
  uid?: string;
  tries: number;
  /** Not before this time (ms). */
  at: number;
  /** Sent, and awaiting its answer until this time (ms): meanwhile it is not sent again. */
  lease?: number;
  /** A bulk's body size in bytes, as serialized. */
  bytes?: number;
}

/** A random base-36 name (about 52 bits): a page's key, a record's id. */
export const randomName = () => Math.random().toString(36).slice(2);

/** A request as the outbox keeps it, not tried yet, under an id of its own. */
export const toRecord = (request: OutboundRequest, apiBase: string, companyId?: string): Rec => ({
  id: randomName(),
  endpoint: request.endpoint,
  body: request.body,
  key: request.profileKey,
  companyId,
  apiBase,
  uid: request.uniqueId,
  tries: 0,
  at: 0,
});

/**
 * The records of a stored outbox key that this page may take over. A key may hold anything (the legacy shared
 * format, a foreign or tampered value): no record without an id, an endpoint and a body, and numbers where the
 * schedule needs them (NaN would skip every wait). A record must go to the account it was made for: those that
 * name none (the earlier format, or a page that closed before it knew its account) could reach another store
 * sharing the origin, so they are left out, with a debug line, unless the key was `ours`.
 */
export function recordsIn(value: string, ours: boolean, log: Logger): Rec[] {
  const parsed = parseJson(value) || {};
  // {alive, records}, or the legacy shared key's array.
  const found: Rec[] = [].concat(parsed.records || parsed);
  const wellFormed = found.filter((r) => r && typeof r.id == 'string' && typeof r.endpoint == 'string' && r.body);
  const records = wellFormed.filter((r) => ours || (typeof r.companyId == 'string' && typeof r.apiBase == 'string'));
  const unowned = wellFormed.length - records.length;
  if (unowned) log.debug(`dropped ${unowned} stored request(s) of no account`);
  // A bulk's size is measured again: a stored one may be anything.
  return records.map((r) => Object.assign({}, r, { tries: +r.tries || 0, at: +r.at || 0, bytes: undefined }));
}
