import { addedToCart, startedCheckout, viewedProduct } from '../adapters/ecommerce';
import { fromSpec } from '../adapters/spec';
import { localStore } from '../delivery/storage';
import { fail } from '../errors';
import { record } from '../events/validate';
import { rememberViewedItem } from '../identity/viewed';
import type { Cart, CartItem, Product, Properties } from '../types';
import type { ClientContext } from './context';

/** The methods that track events: track and the typed ecommerce helpers; trackViewedItem, which only stores. */
export function trackingMethods(context: ClientContext) {
  const { trackPayload, now } = context;
  return {
    track(metric: unknown, properties?: Properties) {
      if (typeof metric != 'string' || !metric.trim() || metric.length > 127) fail('invalid_argument', 'track: metric must be 1 to 127 characters');
      const props = record(properties);
      return trackPayload(fromSpec(metric as string, props, now()) || { metric: metric as string, properties: props });
    },
    viewedProduct: (product: Product) => trackPayload(viewedProduct(product)),
    addedToCart: (item: CartItem, cart?: Cart) => trackPayload(addedToCart(item, cart)),
    startedCheckout: (cart: Cart) => trackPayload(startedCheckout(cart, now())),
    trackViewedItem: (item: Properties) => !context.optedOut() && rememberViewedItem(item, localStore(), now()),
  };
}
