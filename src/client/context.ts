import type { Delivery } from '../delivery/delivery';
import type { Identity } from '../identity/cookie';
import type { Config, Endpoint, Logger, OutboundRequest, ProfileIdentifiers, TrackPayload } from '../types';

export const OPTED_OUT = 'visitor opted out';

/** A method of the klaviyo object. Its result resolves the call's Promise; a thrown KlaviyoLiteError rejects it. */
export type Method = (...args: any[]) => unknown;
export type Methods = Record<string, Method>;

/**
 * What a feature module is given to add methods to the klaviyo object: it returns a record of methods, which
 * createClient merges (`Object.assign(methods, orderMethods(context))`). Every method is then called through the
 * command runner: callbacks, Promise and typed errors are not the module's concern.
 */
export interface ClientContext {
  config: Config;
  log: Logger;
  now: () => number;
  /** The visitor: identifiers, the __kla_id cookie, opting out. */
  identity: Identity;
  delivery: Delivery;
  /** Queues a JSON:API body for an endpoint, about the visitor with these identifiers. */
  send(endpoint: Endpoint, body: OutboundRequest['body'], ids: ProfileIdentifiers, uniqueId?: string): void;
  /** Normalises an event an adapter shaped, then sends, holds or drops it: false when dropped. */
  trackPayload(payload: TrackPayload): boolean;
  /** Opted out (cookie, optOut(), or Global Privacy Control when respected), or a crawler: nothing is sent or stored. */
  optedOut(): boolean;
  /** Why, when optedOut(): for the debug channel and the rejection's message. */
  refusal: string;
  /** Logs why a call was dropped; returns false, the call's result. */
  drop(what: string, why: string): false;
  /** Sends the events held while the visitor was anonymous (data-hold-anonymous), once it is not. */
  release(): void;
  /** Forgets the events held while the visitor was anonymous. */
  forgetHeld(): void;
}
