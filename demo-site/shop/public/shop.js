// Shared storefront code: catalogue, cart (localStorage 'demo-cart'), toasts, visitor badge, newsletter.
export const flavour = document.body.dataset.flavour;
export const prefix = flavour === 'ga4' ? '/ga4' : '';
export const LIST_ID = 'Y6nRLr';
export const CURRENCY = 'USD';
const KEY = 'demo-cart';
const abs = (path) => new URL(path, location.origin).href;
export const round = (n) => Math.round(n * 100) / 100;
export const money = (n) => `$${Number(n).toFixed(2)}`;

let catalogue;
/** The Product objects the pages hand to klaviyo-lite, with absolute URLs and the shop's currency. */
export function loadProducts() {
  catalogue ??= fetch('/products.json').then((r) => r.json())
    .then((list) => list.map((p) => ({ ...p, currency: CURRENCY, url: abs(prefix + p.url), imageUrl: abs(p.imageUrl) })));
  return catalogue;
}

function stored() {
  try {
    const c = JSON.parse(localStorage.getItem(KEY));
    if (c && Array.isArray(c.items)) return c;
  } catch { /* fall through */ }
  return { id: `cart-${Math.random().toString(36).slice(2, 10)}`, items: [] };
}

/** The Cart shape: { id, items, total, checkoutUrl, currency }. */
export function getCart() {
  const { id, items } = stored();
  const total = round(items.reduce((s, i) => s + Number(i.price) * Number(i.quantity), 0));
  return { id, items, total, checkoutUrl: abs(`${prefix}/checkout`), currency: CURRENCY };
}

export function saveItems(items) {
  const { id } = stored();
  localStorage.setItem(KEY, JSON.stringify({ id, items: items.filter((i) => i.quantity > 0) }));
  badges();
  return getCart();
}

/** Turns the cart into the last order (localStorage 'demo-order', what the thank-you page reads) and empties it. */
export function placeOrder() {
  const { items, total, currency } = getCart();
  const order = { id: `R-${Date.now().toString(36).toUpperCase()}`, items, total, currency };
  localStorage.setItem('demo-order', JSON.stringify(order));
  localStorage.removeItem(KEY);
  return order;
}

/** Adds quantity of product; returns { item (the line just added), cart (after adding) }. */
export function addItem(product, quantity) {
  const items = stored().items;
  const line = items.find((i) => i.id === product.id);
  if (line) line.quantity += quantity;
  else items.push({ ...product, quantity });
  return { item: { ...product, quantity }, cart: saveItems(items) };
}

export function toast(text, kind = 'info') {
  const box = document.querySelector('[data-toasts]');
  const el = document.createElement('div');
  el.className = `toast ${kind}`;
  el.textContent = text;
  box.append(el);
  setTimeout(() => el.remove(), 4500);
}

const show = (v) => (typeof v === 'object' ? JSON.stringify(v) : String(v));

/** Calls window.klaviyo[method] and toasts what its Promise resolves to. */
export async function kl(method, ...args) {
  const k = window.klaviyo;
  if (!k || typeof k[method] !== 'function') {
    toast(`window.klaviyo.${method} is missing: is /stub.js built?`, 'bad');
    return undefined;
  }
  const slow = setTimeout(() => toast(`klaviyo.${method}: still queued (script not loaded yet?)`, 'warn'), 5000);
  try {
    const result = await k[method](...args);
    const why = result === false && !visitor() ? ' (anonymous visitor: identify first)' : '';
    toast(`klaviyo.${method}() → ${show(result)}${why}`, result === false ? 'warn' : 'ok');
    return result;
  } catch (err) {
    toast(`klaviyo.${method}() rejected: ${err?.message ?? err}`, 'bad');
    return undefined;
  } finally {
    clearTimeout(slow);
    setTimeout(badges, 300);
  }
}

/** Who the __kla_id cookie says the visitor is (read by the demo, not the SDK). */
export function visitor() {
  const raw = document.cookie.split('; ').find((c) => c.startsWith('__kla_id='));
  if (!raw) return null;
  try {
    const v = JSON.parse(atob(decodeURIComponent(raw.slice(9))));
    return v.$email || v.$phone_number || v.$id || (v.$exchange_id ? '_kx visitor' : null);
  } catch {
    return null;
  }
}

function badges() {
  const n = stored().items.reduce((s, i) => s + Number(i.quantity), 0);
  for (const el of document.querySelectorAll('[data-cart-count]')) el.textContent = n ? String(n) : '';
  const who = visitor();
  for (const el of document.querySelectorAll('[data-visitor]')) {
    el.textContent = who ?? 'anonymous';
    el.classList.toggle('known', !!who);
  }
}

/** Renders the cart into el; editable unless el has data-readonly. */
export function renderCart(el, onChange) {
  const cart = getCart();
  const edit = !el.hasAttribute('data-readonly');
  if (!cart.items.length) {
    el.innerHTML = `<p class="empty">Your cart is empty. <a href="${prefix}/">Find something nice.</a></p>`;
    return cart;
  }
  const row = (i) => `<tr data-id="${i.id}">
    <td><img src="${i.imageUrl}" alt="" width="48" height="48"></td>
    <td><a href="${i.url}">${i.name}</a><br><small>${i.brand}</small></td>
    <td class="qty">${edit ? `<button data-d="-1" aria-label="less">−</button> ${i.quantity} <button data-d="1" aria-label="more">+</button>` : `× ${i.quantity}`}</td>
    <td class="num">${money(i.price * i.quantity)}</td></tr>`;
  el.innerHTML = `<table class="cart"><tbody>${cart.items.map(row).join('')}</tbody>
    <tfoot><tr><td></td><td>Total</td><td></td><td class="num">${money(cart.total)}</td></tr></tfoot></table>`;
  el.onclick = (e) => {
    const d = Number(e.target.dataset?.d);
    if (!d) return;
    const id = e.target.closest('tr').dataset.id;
    const items = stored().items;
    const line = items.find((i) => i.id === id);
    line.quantity += d;
    saveItems(items);
    if (onChange) onChange();
    else renderCart(el);
  };
  return cart;
}

const nl = document.getElementById('newsletter');
nl?.addEventListener('submit', async (e) => {
  e.preventDefault();
  const email = nl.email.value.trim();
  if (await kl('subscribe', { listId: LIST_ID, email })) nl.reset();
});

badges();
setInterval(badges, 1500);
addEventListener('storage', badges);
