import { esc, sdkTag, LIST_ID } from './html.mjs';

const nav = {
  sdk: [['/', 'Shop'], ['/cart', 'Cart'], ['/checkout', 'Checkout'], ['/account', 'Account'],
    ['/gtm', 'GTM'], ['/consent', 'Consent'], ['/ga4/', 'GA4 shop']],
  ga4: [['/ga4/', 'GA4 shop'], ['/ga4/cart', 'Cart'], ['/ga4/checkout', 'Checkout'], ['/', 'Main shop']],
};

const newsletter = `<form class="newsletter" id="newsletter">
  <label for="nl-email">Newsletter: 10% off your first order</label>
  <input id="nl-email" name="email" type="email" required placeholder="you@mailbox.org" autocomplete="email">
  <button>Subscribe</button>
  <small>klaviyo.subscribe({ listId: '${LIST_ID}', email })</small>
</form>`;

/**
 * One storefront page.
 * flavour: 'sdk' (calls window.klaviyo) or 'ga4' (only pushes to dataLayer).
 * loader: 'query' | 'path' | 'gtm' (the GTM page injects the tag itself).
 */
export function layout({ title, body, apiBase, built, flavour = 'sdk', loader = 'query', consent = false, scripts = [], path = '/', activity = true }) {
  const ga4 = flavour === 'ga4';
  const links = nav[flavour].map(([href, label]) =>
    `<a href="${href}"${href === path ? ' aria-current="page"' : ''}>${label}${/cart$/.test(href) ? ' <span class="count" data-cart-count></span>' : ''}</a>`).join('');
  const loaders = loader === 'gtm' ? '' : `<script src="/stub.js"></script>\n${sdkTag({ apiBase, loader, dataLayer: ga4, consent, activity })}`;
  const warn = built ? '' : '<p class="banner">dist/klaviyo-lite.js is missing: run <code>npm run build</code> and reload.</p>';
  const mods = ['shop.js', 'inspector.js', ...scripts].map((s) => `<script type="module" src="/assets/${s}"></script>`).join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="demo-api-base" content="${esc(apiBase)}">
<title>${esc(title)} · Lite Outfitters</title>
<link rel="icon" href="/img/1004.svg">
<link rel="stylesheet" href="/assets/style.css">
<link rel="stylesheet" href="/assets/inspector.css">
${loaders}
${mods}
</head>
<body data-flavour="${flavour}">
<header class="top">
  <a class="logo" href="${ga4 ? '/ga4/' : '/'}">Lite Outfitters${ga4 ? ' <em>GA4</em>' : ''}</a>
  <nav>${links}</nav>
  <span class="visitor" data-visitor title="from the __kla_id cookie">anonymous</span>
</header>
${warn}
<main>
${body}
</main>
<footer>
  ${ga4 ? '<p>This flavour never calls <code>window.klaviyo</code> for ecommerce: it only pushes GA4 events to <code>window.dataLayer</code>; the script tag has <code>data-datalayer</code>.</p>' : newsletter}
</footer>
<div class="toasts" data-toasts></div>
<aside id="inspector" aria-label="API emulator inspector"></aside>
</body>
</html>`;
}
