// The demo's inspector: what reached the API emulator, live. Demo code, not part of the SDK.
const api = document.querySelector('meta[name="demo-api-base"]').content.replace(/\/+$/, '');
const root = document.getElementById('inspector');
const OPEN = 'demo-inspector';
const faults = {
  'Inject 429': [{ status: 429, retryAfter: 1 }],
  'Inject 503': [{ status: 503 }],
  'Drop connection': [{ drop: true }],
};

root.innerHTML = `<button class="ki-tab" type="button">Inspector <span class="ki-n"></span></button>
<div class="ki-panel">
  <div class="ki-head"><strong>API emulator</strong> <span class="ki-mode">connecting…</span>
    <button class="ki-close" type="button" aria-label="collapse">×</button></div>
  <div class="ki-tools">${Object.keys(faults).map((f) => `<button type="button" data-fault="${f}">${f}</button>`).join('')}
    <button type="button" data-clear>Clear</button></div>
  <p class="ki-note">${api}</p>
  <ol class="ki-list"></ol>
  <p class="ki-empty">No requests yet. Events from anonymous visitors are not sent:
    identify on Checkout or Account first.</p>
</div>`;

const $ = (s) => root.querySelector(s);
const list = $('.ki-list');
const records = new Map();

function setOpen(open) {
  document.documentElement.classList.toggle('ki-open', open);
  localStorage.setItem(OPEN, open ? 'open' : 'closed');
}
setOpen(localStorage.getItem(OPEN) !== 'closed');
$('.ki-tab').onclick = () => setOpen(true);
$('.ki-close').onclick = () => setOpen(false);

const note = (text) => { $('.ki-note').textContent = text; };
const mode = (text, ok) => { const m = $('.ki-mode'); m.textContent = text; m.className = `ki-mode ${ok ? 'on' : 'off'}`; };

function tone(r) {
  if (r.verdict === 'duplicate') return 'muted';
  if (r.status >= 200 && r.status < 300) return 'ok';
  if (r.status === 429 || r.status >= 500 || r.verdict === 'fault' || !r.status) return 'warn';
  return 'bad';
}

const esc = (v) => String(v ?? '').replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

function who(p) {
  if (!p) return '';
  return ['email', 'phone_number', 'external_id', '_kx'].filter((k) => p[k]).map((k) => (k === 'email' ? p[k] : `${k}: ${p[k]}`)).join(' · ');
}

// Klaviyo's names for the metrics klaviyo.js (and klaviyo-lite) send under an internal name.
const LABELS = { __activity__: 'Active on Site' };
const label = (name) => LABELS[name] ?? name;

function item(r) {
  const li = document.createElement('li');
  li.className = `ki-rec ki-${tone(r)}`;
  const metric = r.metric != null ? label(r.metric) : (r.metrics ? `${r.metrics.map(label).join(', ')} (×${r.metrics.length})` : '');
  const time = r.time ? new Date(r.time).toLocaleTimeString() : '';
  const errs = (r.errors ?? []).map((e) => {
    const at = e.source?.pointer ?? e.source?.parameter;
    return `<span>${at ? `<code>${esc(at)}</code> ` : ''}${esc(e.detail ?? e.title)}</span>`;
  }).join('');
  li.innerHTML = `<details><summary>
    <span class="ki-status">${esc(r.status || 'drop')}</span>
    <span class="ki-ep">${esc(r.method ?? 'POST')} ${esc(r.endpoint ?? r.path)}</span>
    <span class="ki-verdict">${esc(r.verdict)}</span>
    <time>#${esc(r.seq)} ${esc(time)}</time>
    ${metric ? `<b class="ki-metric">${esc(metric)}</b>` : ''}
    ${who(r.profile) ? `<span class="ki-who">${esc(who(r.profile))}</span>` : ''}
    ${errs ? `<span class="ki-errors">${errs}</span>` : ''}
  </summary><pre>${esc(JSON.stringify(r.body, null, 2))}</pre></details>`;
  return li;
}

const key = (r) => `${r.seq}|${r.time}`;
function render() {
  const all = [...records.values()].sort((a, b) => b.seq - a.seq).slice(0, 200);
  const open = new Set([...list.querySelectorAll('details[open]')].map((d) => d.closest('li').dataset.key));
  list.replaceChildren(...all.map((r) => {
    const li = item(r);
    li.dataset.key = key(r);
    if (open.has(li.dataset.key)) li.firstElementChild.open = true;
    return li;
  }));
  $('.ki-empty').hidden = records.size > 0;
  $('.ki-n').textContent = records.size ? String(records.size) : '';
}

function add(r) {
  if (!r || typeof r !== 'object' || r.seq == null) return;
  if (records.has(key(r))) return;
  records.set(key(r), r);
  if (r.fault && Date.now() - Date.parse(r.time) < 5000) note(`Served an injected fault to request #${r.seq}.`);
  render();
}

async function fetchAll() {
  const res = await fetch(`${api}/__emulator/requests`);
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return res.json();
}

let polling;
function poll() {
  if (polling) return;
  mode('polling', true);
  polling = setInterval(async () => {
    try {
      const all = await fetchAll();
      records.clear();
      for (const r of all) records.set(key(r), r);
      render();
      mode('polling', true);
    } catch {
      mode('emulator unreachable', false);
    }
  }, 1000);
}

function live() {
  let opened = false;
  const es = new EventSource(`${api}/__emulator/stream`);
  const onData = (e) => { try { add(JSON.parse(e.data)); } catch { /* not a record */ } };
  es.onopen = () => { opened = true; mode('live', true); };
  es.onmessage = onData;
  es.addEventListener('record', onData);
  es.onerror = () => {
    if (opened) return mode('reconnecting…', false);
    es.close();
    poll();
  };
}

try {
  live();
  for (const r of await fetchAll()) add(r);
} catch {
  mode('emulator unreachable', false);
}

async function admin(method, path, body) {
  try {
    const res = await fetch(`${api}/__emulator/${path}`, {
      method, headers: body ? { 'content-type': 'application/json' } : {}, body: body && JSON.stringify(body),
    });
    return res.ok ? res.json().catch(() => ({})) : null;
  } catch {
    return null;
  }
}

const describeFault = (f) => (f.drop ? 'drop' : `${f.status ?? '?'}`) + (f.times > 1 ? ` ×${f.times}` : '');

$('.ki-tools').addEventListener('click', async (e) => {
  const b = e.target.closest('button');
  if (!b) return;
  if (b.dataset.fault) {
    const pending = await admin('POST', 'faults', faults[b.dataset.fault]);
    note(!pending ? 'Could not reach the emulator.' : Array.isArray(pending)
      ? `Pending faults for the next client API requests: ${pending.map(describeFault).join(', ') || 'none'}.`
      : `${b.dataset.fault}: the next client API request gets it.`);
  } else if (b.hasAttribute('data-clear')) {
    const ok = await admin('DELETE', 'requests');
    records.clear();
    render();
    note(ok ? 'Cleared the request log.' : 'Could not reach the emulator.');
  }
});
