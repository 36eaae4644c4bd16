// Does what Google Tag Manager does with a Custom HTML tag.
import { kl } from './shop.js';

const html = document.getElementById('gtm-tag').innerHTML;
document.querySelector('[data-gtm-source]').textContent = html.trim();
const status = document.querySelector('[data-gtm-status]');

const box = document.getElementById('gtm-container');
box.innerHTML = html; // scripts set through innerHTML never run...
for (const old of box.querySelectorAll('script')) {
  const s = document.createElement('script'); // ...so GTM re-creates each one
  for (const { name, value } of old.attributes) s.setAttribute(name, value);
  s.text = old.text;
  old.replaceWith(s);
}
status.textContent = 'Tag fired; waiting for klaviyo-lite…';
window.klaviyo?.isIdentified().then((known) => {
  status.textContent = `klaviyo-lite loaded and drained the stub's queue (isIdentified: ${known}).`;
});

const form = document.getElementById('gtm-form');
form.addEventListener('submit', (e) => {
  e.preventDefault();
  kl('identify', { email: form.email.value.trim() });
});
document.getElementById('gtm-track').addEventListener('click', () => kl('track', 'Viewed GTM Page', { page: 'gtm' }));
