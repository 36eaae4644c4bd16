// The three ecommerce moments, in two flavours: direct SDK calls, or GA4 dataLayer pushes.
import { CURRENCY, flavour, kl, round, toast } from './shop.js';

const sdk = {
  viewed: (product) => kl('viewedProduct', product),
  added: (item, cart) => kl('addedToCart', item, cart),
  checkout: (cart) => kl('startedCheckout', cart),
};

const ga4Item = (p) => ({
  item_id: p.id, item_name: p.name, price: p.price, quantity: p.quantity ?? 1,
  item_brand: p.brand, item_category: p.categories?.[0], item_category2: p.categories?.[1],
});

function push(event, items, value) {
  window.dataLayer = window.dataLayer || [];
  window.dataLayer.push({ ecommerce: null }); // GA4's advice: clear the previous ecommerce object
  window.dataLayer.push({ event, ecommerce: { currency: CURRENCY, value, items } });
  toast(`dataLayer.push({ event: '${event}' })`, 'ok');
}

const ga4 = {
  viewed: (p) => push('view_item', [ga4Item(p)], p.price),
  added: (item) => push('add_to_cart', [ga4Item(item)], round(item.price * item.quantity)),
  checkout: (cart) => push('begin_checkout', cart.items.map(ga4Item), cart.total),
};

export const events = flavour === 'ga4' ? ga4 : sdk;
/** Identification is always the SDK's job (in the GA4 shop it stands in for a signup form). */
export const identify = (props) => kl('identify', props);
