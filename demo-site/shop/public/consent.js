// The consent demo: a banner on Google Consent Mode v2 (as a consent platform would push it), and a log of the
// page's own calls with the state of each Promise. Demo code, not part of the SDK.
const KEY = 'demo-consent';
window.dataLayer = window.dataLayer || [];
function gtag() {
  window.dataLayer.push(arguments);
}
const keys = (value) => ({ ad_storage: value, ad_user_data: value, ad_personalization: value, analytics_storage: value });
gtag('consent', 'default', keys('denied'));

const state = document.querySelector('[data-consent-state]');
function choose(choice, remember = true) {
  const value = choice === 'accept' ? 'granted' : 'denied';
  if (remember) localStorage.setItem(KEY, value);
  gtag('consent', 'update', keys(value));
  state.innerHTML = `${choice === 'accept' ? 'Accepted' : choice === 'reject' ? 'Rejected' : 'Withdrawn'}: <code>gtag('consent', 'update', { ad_storage: '${value}', … })</code>`;
}
// A returning visitor's stored choice is pushed again on every page, as consent platforms do.
const stored = localStorage.getItem(KEY);
if (stored) choose(stored === 'granted' ? 'accept' : 'reject', false);
for (const button of document.querySelectorAll('button[data-consent]')) button.addEventListener('click', () => choose(button.dataset.consent));

const calls = document.querySelector('[data-calls]');
function logged(label, promise) {
  const li = document.createElement('li');
  li.textContent = `${new Date().toLocaleTimeString()} ${label}: held`;
  calls.append(li);
  Promise.resolve(promise).then(
    (result) => (li.textContent = li.textContent.replace(/held$/, result === false ? 'dropped (false)' : 'sent')),
    (error) => (li.textContent = li.textContent.replace(/held$/, `rejected: ${error.message}`)),
  );
}

const form = document.getElementById('consent-form');
form.addEventListener('submit', (e) => {
  e.preventDefault();
  const email = form.email.value.trim();
  logged(`identify ${email}`, window.klaviyo.identify({ email }));
});
document.getElementById('consent-track').addEventListener('click', () => logged('track Viewed Consent Demo', window.klaviyo.track('Viewed Consent Demo')));
