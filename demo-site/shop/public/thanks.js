// The thank-you page: shows the last order and sends it as Placed Order (+ one Ordered Product per line).
import { kl, money } from './shop.js';

const box = document.querySelector('[data-order]');
let order;
try {
  order = JSON.parse(localStorage.getItem('demo-order'));
} catch { /* no order */ }
if (order) {
  box.replaceChildren();
  const title = document.createElement('h2');
  title.textContent = `Order ${order.id}: ${money(order.total)}`;
  const list = document.createElement('ul');
  for (const item of order.items) {
    const li = document.createElement('li');
    li.textContent = `${item.quantity} × ${item.name}`;
    list.append(li);
  }
  box.append(title, list);
  kl('placedOrder', order);
}
