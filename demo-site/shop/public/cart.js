import { renderCart } from './shop.js';

const el = document.querySelector('[data-cart]');
const link = document.querySelector('[data-checkout]');
const sync = () => link.classList.toggle('disabled', !renderCart(el, sync).items.length);
sync();
