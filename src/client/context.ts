/** A method of the klaviyo object. Its result resolves the call's Promise; a thrown KlaviyoLiteError rejects it. */
export type Method = (...args: any[]) => unknown;
export type Methods = Record<string, Method>;

// The klaviyo object's methods besides push (test/consent.test.ts keeps the list in step with createClient's): the
// consent gate and server-side rendering make an object without a client to list them.
export const METHOD_NAMES =
  'identify track isIdentified account cookieDomain subscribe viewedProduct addedToCart startedCheckout placedOrder subscribeBackInStock trackViewedItem optOut optIn';
