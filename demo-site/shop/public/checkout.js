import { getCart, placeOrder, renderCart } from './shop.js';
import { events, identify } from './events.js';

renderCart(document.querySelector('[data-cart]'));
const form = document.getElementById('checkout');
const done = document.querySelector('[data-done]');
let sent = '';

async function start() {
  const email = form.email.value.trim();
  if (!email || !form.email.checkValidity() || email === sent) return;
  sent = email;
  await identify({ email });
  const cart = getCart();
  if (cart.items.length) await events.checkout(cart);
  done.hidden = false;
  done.textContent = cart.items.length ? 'Checkout started. This demo stops before payment.'
    : 'Identified. Add something to the cart to start a checkout.';
  if (placeButton) placeButton.hidden = !cart.items.length;
}

// The SDK shop goes on to a thank-you page, which sends Placed Order.
const placeButton = document.getElementById('place-order');
placeButton?.addEventListener('click', () => {
  placeOrder();
  location.href = '/thank-you';
});

form.addEventListener('submit', (e) => { e.preventDefault(); start(); });
form.email.addEventListener('blur', start);
