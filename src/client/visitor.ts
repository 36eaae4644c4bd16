import { fail } from '../errors';
import { profileBody, subscriptionBody } from '../events/body';
import { identifiersOf, toProfile } from '../events/profile';
import { isEmpty } from '../events/validate';
import { localStore } from '../delivery/storage';
import { forgetViewedItems } from '../identity/viewed';
import type { IdentifyInput, SubscribeInput } from '../types';
import type { ClientContext } from './context';
import { subscriptionOf } from './subscribe-rules';

const NEW_VISITOR = 'another email/phone/id than before: a new visitor';

/** The methods about who the visitor is: identify, subscribe, opting out and in. */
export function visitorMethods(context: ClientContext) {
  const { identity, log, send, optedOut, drop, release } = context;
  const { identifiers, isIdentified, remember } = identity;
  return {
    identify(input?: IdentifyInput) {
      // No argument reads the visitor, as klaviyo.js answers it.
      if (input === undefined) return identity.visitor();
      if (optedOut()) fail('opted_out', `identify ignored: ${context.refusal}`);
      if (!input || typeof input != 'object') fail('invalid_argument', 'identify: not an object');
      // A refusal names every field that was left out.
      const problems: string[] = [];
      const warn = (message: string) => {
        problems.push(message);
        log.warn(message);
      };
      const profile = toProfile(input, Object.assign({}, log, { warn }));
      const given = identifiersOf(profile);
      if (isEmpty(given) && !isIdentified()) {
        fail('no_identifier', `identify: no valid identifier (${problems.join('; ') || 'none given'})`);
      }
      if (remember(given)) log.warn(`identify: ${NEW_VISITOR}`);
      const attributes = Object.assign(identifiers(), profile);
      send('profiles', profileBody(attributes), attributes);
      release();
      return attributes;
    },
    subscribe(input: SubscribeInput) {
      if (optedOut()) return drop('subscribe', context.refusal);
      if (!input || typeof input.listId != 'string' || !/^\w{1,64}$/.test(input.listId)) fail('invalid_argument', 'subscribe: invalid listId');
      // Another email or phone than the stored one is another person: nothing stored goes along.
      const known = identity.switches(input) ? {} : identifiers();
      const { ids, asked, channels } = subscriptionOf(input, known);
      if (!channels.length) {
        fail('no_identifier', `subscribe: no valid ${isEmpty(ids) ? 'email or phone_number' : `identifier for ${asked.join(' and ')}`}`);
      }
      if (remember(ids)) log.warn(`subscribe: ${NEW_VISITOR}`);
      send('subscriptions', subscriptionBody(input, ids, channels), ids);
      release();
      return true;
    },
    isIdentified,
    cookieDomain: identity.domain,
    optOut() {
      identity.optOut();
      context.delivery.clear();
      context.forgetHeld();
      forgetViewedItems(localStore());
      return true;
    },
    optIn() {
      identity.optIn();
      return true;
    },
  };
}
