import { placedOrder } from '../adapters/orders';
import { backInStock } from '../events/back-in-stock';
import type { BackInStockInput, Order } from '../types';
import type { ClientContext } from './context';

/** The end of the funnel: the order (Placed Order and its Ordered Products) and Back in Stock sign-ups. */
export function funnelMethods(context: ClientContext) {
  return {
    placedOrder: (order: Order) => context.trackPayload(placedOrder(order)),
    subscribeBackInStock(input: BackInStockInput) {
      if (context.optedOut()) return context.drop('subscribeBackInStock', context.refusal);
      context.send('back-in-stock-subscriptions', ...backInStock(input, context.identity.identifiers()));
      return true;
    },
  };
}
