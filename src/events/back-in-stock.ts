import { fail } from '../errors';
import { scalar } from '../adapters/ecommerce';
import { pickIds } from '../identity/cookie';
import { related, resource } from './body';
import { isEmpty } from './validate';
import type { BackInStockInput, OutboundRequest, ProfileIdentifiers } from '../types';

/**
 * The Create Client Back In Stock Subscription body for `input`, and its profile. The email and phone given,
 * else the visitor's `known` identifiers: a shopper typing another address must not be merged with the
 * cookie's profile.
 */
export function backInStock(input: BackInStockInput, known: ProfileIdentifiers): [OutboundRequest['body'], ProfileIdentifiers] {
  const { variantId, catalog, email, phone_number, channels } = Object(input) as BackInStockInput;
  if (!scalar(variantId)) fail('invalid_argument', 'subscribeBackInStock: no variantId');
  const source = email != null || phone_number != null ? input : known;
  // email, phone_number and external_id, when valid.
  const profile = pickIds(source, 3);
  const asked = ([] as string[]).concat(channels || []).map((c) => String(c).toUpperCase());
  const wanted = asked.length ? asked : profile.email ? ['EMAIL'] : profile.phone_number ? ['SMS'] : [];
  if (isEmpty(profile) || !wanted.length) fail('no_identifier', 'subscribeBackInStock: no valid email or phone_number');
  const body = resource('back-in-stock-subscription', { channels: wanted, profile: resource('profile', profile) });
  // A full id names its integration already ("$shopify:::$default:::123").
  body.data.relationships = {
    variant: related('catalog-variant', /:::/.test(variantId as string) ? variantId : `$${catalog || 'custom'}:::$default:::${variantId}`),
  };
  return [body, profile];
}
