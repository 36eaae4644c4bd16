export { createKlaviyo, type ClientOptions } from './client/client';
export { KlaviyoLiteError, type ErrorCode } from './errors';
export { addedToCart, startedCheckout, viewedProduct } from './adapters/ecommerce';
export type {
  Callback, Cart, CartItem, Config, IdentifyInput, KlaviyoLite, Location, Logger, Product, ProfileAttributes,
  ProfileIdentifiers, Properties, SubscribeInput, TrackPayload,
} from './types';
