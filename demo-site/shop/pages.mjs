// Page bodies. Each returns { title, body, scripts, ...layout options }.
import { esc, money, sdkTag } from './html.mjs';
import { products } from './products.mjs';

const price = (p) => `<span><span class="price">${money(p.price)}</span>${
  p.compareAtPrice ? ` <s class="was">${money(p.compareAtPrice)}</s>` : ''}</span>`;

const card = (p, prefix) => `<a class="card" href="${prefix}/product/${p.id}">
  <img src="${p.imageUrl}" alt="" width="200" height="200">
  <span class="brand">${esc(p.brand)}</span>
  <strong>${esc(p.name)}</strong>
  <span class="cats">${p.categories.map(esc).join(' · ')}</span>
  ${price(p)}${p.soldOut ? ' <span class="sold-out">Sold out</span>' : ''}
</a>`;

export function home(prefix) {
  const ga4 = prefix === '/ga4';
  const intro = ga4
    ? 'The same shop, tagged the GA4 way: pages push <code>view_item</code>, <code>add_to_cart</code> and <code>begin_checkout</code> to <code>dataLayer</code>, and klaviyo-lite turns them into Klaviyo events.'
    : 'A demo storefront for klaviyo-lite. Browse, add to cart and check out, and watch each request reach the API emulator in the inspector.';
  return {
    title: ga4 ? 'GA4 shop' : 'Shop',
    body: `<section class="hero"><h1>${ga4 ? 'GA4 flavour' : 'Trail-tested goods'}</h1><p>${intro}</p></section>
<section class="grid">${products.map((p) => card(p, prefix)).join('\n')}</section>`,
  };
}

export function product(p, prefix) {
  const call = prefix === '/ga4' ? "dataLayer.push({ event: 'add_to_cart', … })" : 'klaviyo.addedToCart(item, cart)';
  const onLoad = prefix === '/ga4' ? "dataLayer.push({ event: 'view_item', … })" : 'klaviyo.viewedProduct(product)';
  return {
    title: p.name,
    scripts: ['product.js'],
    body: `<article class="product" data-product-id="${p.id}">
  <img src="${p.imageUrl}" alt="${esc(p.name)}" width="360" height="360">
  <div>
    <span class="brand">${esc(p.brand)}</span>
    <h1>${esc(p.name)}</h1>
    <p class="cats">${p.categories.map(esc).join(' · ')} · SKU ${esc(p.sku)}</p>
    <p class="big">${price(p)}</p>
    ${p.soldOut ? notify(p) : `<form class="buy" id="buy">
      <label>Qty <select name="quantity">${[1, 2, 3, 4].map((n) => `<option>${n}</option>`).join('')}</select></label>
      <button>Add to cart</button>
    </form>
    <p class="hint">On load: <code>${onLoad}</code><br>On add: <code>${call}</code></p>`}
  </div>
</article>`,
  };
}

const notify = (p) => `<p class="sold-out">Sold out</p>
    <form class="panel notify" id="notify">
      <label for="bis-email">Notify me when available</label>
      <input id="bis-email" name="email" type="email" required placeholder="you@mailbox.org" autocomplete="email">
      <button>Notify me</button>
      <p class="hint">On submit: <code>klaviyo.subscribeBackInStock({ variantId: '${esc(p.id)}', email })</code>
      (sent as <code>$custom:::$default:::${esc(p.id)}</code>)</p>
    </form>`;

export function cart(prefix) {
  return {
    title: 'Cart',
    scripts: ['cart.js'],
    body: `<h1>Your cart</h1>
<div data-cart></div>
<p class="actions"><a href="${prefix || ''}/" class="ghost">Keep shopping</a> <a href="${prefix}/checkout" class="button" data-checkout>Checkout</a></p>`,
  };
}

export function checkout(prefix) {
  const ga4 = prefix === '/ga4';
  const hint = ga4
    ? "<code>klaviyo.identify({ email })</code> (a signup form's job; the one SDK call here), then <code>dataLayer.push({ event: 'begin_checkout', … })</code>"
    : '<code>klaviyo.identify({ email })</code>, then <code>klaviyo.startedCheckout(cart)</code>';
  return {
    title: 'Checkout',
    scripts: ['checkout.js'],
    body: `<h1>Checkout</h1>
<div class="two">
  <form class="panel" id="checkout">
    <label for="co-email">Email for your receipt</label>
    <input id="co-email" name="email" type="email" required placeholder="you@mailbox.org" autocomplete="email">
    <button>Continue to shipping</button>
    <p class="hint">On submit or blur: ${hint}</p>
    <p class="done" data-done hidden>Checkout started. This demo stops before payment.</p>
    ${ga4 ? '' : '<button type="button" id="place-order" hidden>Place order (no payment in this demo)</button>'}
  </form>
  <div class="panel"><h2>Order summary</h2><div data-cart data-readonly></div></div>
</div>`,
  };
}

export function thankYou() {
  return {
    title: 'Thank you',
    scripts: ['thanks.js'],
    body: `<h1>Thank you for your order</h1>
<div class="panel" data-order><p>No order placed yet: <a href="/checkout">check out</a> first.</p></div>
<p class="hint">On load: <code>klaviyo.placedOrder(order)</code>. Reload this page: the same order sends the same
<code>unique_id</code>s, and the inspector shows the API counting them as duplicates.</p>`,
  };
}

export function account() {
  return {
    title: 'Account',
    loader: 'path',
    scripts: ['account.js'],
    body: `<h1>Sign in</h1>
<div class="two">
  <form class="panel" id="login">
    <label for="ac-email">Email</label>
    <input id="ac-email" name="email" type="email" required autocomplete="email">
    <label for="ac-first">First name</label>
    <input id="ac-first" name="first_name" autocomplete="given-name">
    <button>Sign in</button>
    <p class="hint">On submit: <code>klaviyo.identify({ email, first_name })</code>.
    This page loads the script by its path form, <code>/Demo01/klaviyo-lite.js</code>.</p>
  </form>
  <div class="panel">
    <h2>Visitor</h2>
    <p>klaviyo-lite remembers the visitor in the <code>__kla_id</code> cookie, so every page
    (the GA4 shop too) knows who is browsing.</p>
    <button type="button" class="ghost" id="forget">Forget me (delete __kla_id)</button>
  </div>
</div>`,
  };
}

export function gtm(apiBase, stub, activity) {
  const tag = `<script>\n${stub.trim()}\n</script>\n${sdkTag({ apiBase, activity })}`;
  return {
    title: 'Google Tag Manager',
    loader: 'gtm',
    csp: 'inline',
    scripts: ['gtm.js'],
    body: `<h1>Loaded like a GTM Custom HTML tag</h1>
<p>This page has no SDK tag of its own. After load, <code>gtm.js</code> does what Google Tag Manager does with
a Custom HTML tag: it sets the tag's HTML as <code>innerHTML</code> of a container, then re-creates each
<code>&lt;script&gt;</code> with <code>document.createElement('script')</code>, copying attributes and text.</p>
<div class="two">
  <form class="panel" id="gtm-form">
    <label for="gtm-email">Email</label>
    <input id="gtm-email" name="email" type="email" required autocomplete="email">
    <button>Identify</button>
    <button type="button" class="ghost" id="gtm-track">klaviyo.track('Viewed GTM Page')</button>
    <p class="status" data-gtm-status>Tag not fired yet.</p>
  </form>
  <div class="panel"><h2>The tag</h2><pre class="code" data-gtm-source></pre></div>
</div>
<template id="gtm-tag">${tag}</template>
<div id="gtm-container" hidden></div>`,
  };
}

export function consent() {
  return {
    title: 'Consent',
    consent: true,
    scripts: ['consent.js'],
    body: `<h1>Consent required</h1>
<p>This page's tag has <code>data-consent="required"</code>. Until Google Consent Mode grants <code>ad_storage</code>
and <code>ad_user_data</code>, klaviyo-lite reads no cookie and no storage and sends nothing: calls wait in memory
(at most 100, this page only). Accept sends them, each with the time it was made; Reject discards them; Withdraw
removes the visitor's <code>__kla_id</code>, outbox and lists, and later calls resolve <code>false</code>.</p>
<div class="consent-banner panel" role="region" aria-label="Cookie consent">
  <strong>We use cookies to remember you and send you offers.</strong>
  <p class="status" data-consent-state>No choice yet: <code>gtag('consent', 'default', { ad_storage: 'denied', … })</code></p>
  <p class="actions"><button type="button" data-consent="accept">Accept</button>
    <button type="button" class="ghost" data-consent="reject">Reject</button>
    <button type="button" class="ghost" data-consent="withdraw">Withdraw consent</button></p>
</div>
<div class="two">
  <form class="panel" id="consent-form">
    <label for="cs-email">Email</label>
    <input id="cs-email" name="email" type="email" required autocomplete="email">
    <button>klaviyo.identify({ email })</button>
    <button type="button" class="ghost" id="consent-track">klaviyo.track('Viewed Consent Demo')</button>
  </form>
  <div class="panel">
    <h2>This page's calls</h2>
    <p class="hint">The SDK does not expose what it holds; this list is the page's own: each call's Promise is
    <em>held</em> until consent is answered, then <em>sent</em> (resolved with a value) or <em>dropped</em> (false).</p>
    <ol class="code" data-calls></ol>
  </div>
</div>`,
  };
}

export const notFound = () => ({ title: 'Not found', body: '<h1>Not found</h1><p><a href="/">Back to the shop</a></p>' });
