import { addItem, kl, loadProducts } from './shop.js';
import { events } from './events.js';

const id = document.querySelector('[data-product-id]').dataset.productId;
const product = (await loadProducts()).find((p) => p.id === id);
events.viewed(product);

const notify = document.getElementById('notify');
notify?.addEventListener('submit', (e) => {
  e.preventDefault();
  kl('subscribeBackInStock', { variantId: product.id, email: notify.email.value.trim() });
});

const form = document.getElementById('buy');
form?.addEventListener('submit', (e) => {
  e.preventDefault();
  const { item, cart } = addItem(product, Number(form.quantity.value));
  events.added(item, cart);
});
