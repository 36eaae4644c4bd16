export { createKlaviyo, type ClientOptions } from './client/client';
export { KlaviyoLiteError, type ErrorCode } from './errors';
export { addedToCart, startedCheckout, viewedProduct } from './adapters/ecommerce';
export { placedOrder } from './adapters/orders';
export type {
  BackInStockInput, Callback, Cart, CartItem, Config, IdentifyInput, KlaviyoLite, Location, Logger, Order, Product, ProfileAttributes,
  ProfileIdentifiers, Properties, SubscribeInput, TrackPayload,
} from './types';
