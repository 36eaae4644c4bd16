import { kl } from './shop.js';

const form = document.getElementById('login');
form.addEventListener('submit', (e) => {
  e.preventDefault();
  const props = { email: form.email.value.trim() };
  if (form.first_name.value.trim()) props.first_name = form.first_name.value.trim();
  kl('identify', props);
});

document.getElementById('forget').addEventListener('click', () => {
  document.cookie = '__kla_id=; path=/; max-age=0';
  location.reload();
});
