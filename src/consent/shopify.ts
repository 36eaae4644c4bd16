import type { Reader } from './gate';

/**
 * Shopify's Customer Privacy API: `marketingAllowed()` now (loaded on demand with `Shopify.loadFeatures`), and
 * the `visitorConsentCollected` event when the visitor chooses.
 */
export function watchShopify(w: any, reader: Reader): void {
  const shopify = Object(w.Shopify);
  const read = reader(() => {
    const privacy = shopify.customerPrivacy;
    if (privacy.marketingAllowed() === true) return true;
    // Not allowed yet is no answer until the visitor said no.
    if (privacy.currentVisitorConsent().marketing == 'no') return false;
  });
  w.document.addEventListener('visitorConsentCollected', reader((event: CustomEvent) => event.detail.marketingAllowed === true));
  // Loaded with an error, the API is missing: reading it fails, and says so.
  if (Object(shopify.customerPrivacy).marketingAllowed) read();
  else if (shopify.loadFeatures) shopify.loadFeatures([{ name: 'consent-tracking-api', version: '0.1' }], read);
}
