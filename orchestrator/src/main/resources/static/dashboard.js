// Aegis dashboard: REST for lists and details, GET /api/v1/stream (server-sent events) for live changes.
// No build step: a plain ES module. Every value from the server is put into the page as text, never as HTML.

const API = 'api/v1';
const CSRF_HEADER = 'X-CSRF-TOKEN';
const SETTLED = new Set(['PROMOTED', 'QUARANTINED', 'ABORTED', 'RELEASED']);
const LIVE = new Set(['SUBMITTED', 'QUEUED', 'CANARY', 'PAUSED', 'ROLLING_BACK']);
const MAX_AUDIT = 200;

const state = {
  experiments: new Map(), // id -> summary from the stream
  services: [],
  quarantine: [],
  deadLetters: new Map(), // id -> dead letter
  audit: [],
  chaos: [], // live chaos faults
  chaosHalted: false, // the chaos kill switch is engaged
  route: { view: 'overview' },
  detail: null, // { id, view, windows } of the open experiment page
  session: null, // { name, roles, namespaces, csrfToken } of the logged-in principal
};

// ---------------------------------------------------------------------------------------------------------------
// Small helpers

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

const $ = (sel) => document.querySelector(sel);

async function getJson(path) {
  const res = await fetch(`${API}/${path}`, { headers: { Accept: 'application/json' } });
  if (res.status === 401) showLogin('Your session has ended; log in again.');
  if (!res.ok) throw new Error(await problem(res));
  return res.json();
}

async function problem(res) {
  try {
    const p = await res.json();
    return p.detail || p.title || `${res.status} ${res.statusText}`;
  } catch {
    return `${res.status} ${res.statusText}`;
  }
}

/**
 * Runs fn soon after a call, then at most once per `ms` however often it is called: calls in between fold into
 * one trailing run, so a steady stream of events still refreshes the page (a debounce would wait for silence).
 */
function throttle(fn, ms) {
  let timer = null;
  let last = 0;
  return () => {
    if (timer) return;
    const wait = Math.max(0, last + ms - Date.now());
    timer = setTimeout(() => {
      timer = null;
      last = Date.now();
      fn();
    }, wait);
  };
}

/** Runs fn at most once per animation frame. */
function perFrame(fn) {
  let queued = false;
  return () => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      fn();
    });
  };
}

function seconds(value) {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return value;
  const m = /^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(-?\d+(?:\.\d+)?)H)?(?:(-?\d+(?:\.\d+)?)M)?(?:(-?\d+(?:\.\d+)?)S)?)?$/.exec(value);
  if (!m) return null;
  const [, d = 0, h = 0, min = 0, s = 0] = m;
  return Number(d) * 86400 + Number(h) * 3600 + Number(min) * 60 + Number(s);
}

function duration(totalSeconds) {
  if (totalSeconds === null || totalSeconds === undefined) return '—';
  const s = Math.max(0, Math.round(totalSeconds));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${String(m % 60).padStart(2, '0')} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, {
  month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit',
});

function time(iso) {
  return iso ? timeFormat.format(new Date(iso)) : '—';
}

function dateTime(iso) {
  return iso ? dateTimeFormat.format(new Date(iso)) : '—';
}

function timeEl(iso, format = dateTime) {
  return iso ? el('time', { datetime: iso }, format(iso)) : '—';
}

function percent(fraction, digits = 2) {
  return `${(Number(fraction) * 100).toFixed(digits)}%`;
}

/**
 * A check's value in its unit: error rates in %, latencies in ms, durations in s (by name, so that checks such as
 * error-rate-comparison or severe-p95-latency read the same way).
 */
function checkValue(name, value) {
  if (value === null || value === undefined) return '—';
  if (name.includes('error-rate')) return percent(value);
  if (name.includes('latency') || name.includes('p95')) return `${Math.round(value)} ms`;
  if (name === 'min-duration' || name === 'silence') return `${Number(value).toFixed(1)} s`;
  return String(Math.round(value * 1000) / 1000);
}

function phaseBadge(phase) {
  const kind = {
    CANARY: 'info', PROMOTED: 'ok', QUARANTINED: 'bad', ROLLING_BACK: 'warn', PAUSED: 'warn',
    ABORTED: 'neutral', RELEASED: 'neutral', QUEUED: 'neutral', SUBMITTED: 'neutral',
  }[phase] || 'neutral';
  return el('span', { class: `badge ${kind}` }, phase ? phase.replace('_', ' ').toLowerCase() : '—');
}

function verdictBadge(verdict) {
  if (!verdict) return el('span', { class: 'badge neutral' }, 'no verdict yet');
  const kind = { PASS: 'ok', FAIL: 'bad', HOLD: 'warn', INCONCLUSIVE: 'warn', IN_PROGRESS: 'info' }[verdict] || 'neutral';
  return el('span', { class: `badge ${kind}` }, verdict.replace('_', ' ').toLowerCase());
}

function actuationCell(a) {
  if (!a) return '—';
  if (a.alarm) return el('span', { class: 'badge bad' }, `alarm: ${a.problem || 'rollback keeps failing'}`);
  if (a.pending) {
    return el('span', { class: 'badge warn' }, `pending (${a.pendingCommands})${a.problem ? ': ' + a.problem : ''}`);
  }
  return el('span', { class: 'badge ok' }, 'applied');
}

function experimentLink(id, label) {
  return el('a', { href: `#/experiments/${encodeURIComponent(id)}` }, label ?? id);
}

const announce = (() => {
  const region = () => $('#announcer');
  return (message) => {
    const r = region();
    r.append(el('p', {}, message));
    while (r.childElementCount > 5) r.firstElementChild.remove();
  };
})();

/**
 * Renders rows keyed by `key`, reusing the <tr> of an item already shown so that focus and hover survive live
 * updates. `cells(item)` returns [signature, build] pairs; a cell is rebuilt only when its signature changes.
 */
function renderRows(table, items, key, cells, rowAttrs = () => ({})) {
  const tbody = table.tBodies[0];
  const existing = new Map([...tbody.rows].map((tr) => [tr.dataset.key, tr]));
  const wanted = [];
  for (const item of items) {
    const k = String(key(item));
    let tr = existing.get(k);
    if (!tr) tr = el('tr', { 'data-key': k });
    existing.delete(k);
    for (const [name, value] of Object.entries(rowAttrs(item))) tr.setAttribute(name, value);
    const defs = cells(item);
    defs.forEach(([sig, build, attrs = {}], i) => {
      let td = tr.cells[i];
      if (!td) {
        td = el(i === 0 && attrs.header ? 'th' : 'td');
        if (i === 0 && attrs.header) td.setAttribute('scope', 'row');
        tr.append(td);
      }
      for (const [name, value] of Object.entries(attrs)) if (name !== 'header') td.setAttribute(name, value);
      const s = String(sig);
      if (td.dataset.sig !== s) {
        td.dataset.sig = s;
        td.replaceChildren(build());
      }
    });
    wanted.push(tr);
  }
  existing.forEach((tr) => tr.remove());
  wanted.forEach((tr, i) => {
    if (tbody.rows[i] !== tr) tbody.insertBefore(tr, tbody.rows[i] || null);
  });
  const empty = document.querySelector(`[data-empty-for="${table.id}"]`);
  if (empty) empty.hidden = items.length > 0;
  table.hidden = items.length === 0;
}

// ---------------------------------------------------------------------------------------------------------------
// Overview

function renderOverview() {
  const all = [...state.experiments.values()];
  const live = all.filter((e) => LIVE.has(e.phase))
    .sort((a, b) => serviceName(a).localeCompare(serviceName(b)) || a.submittedAt.localeCompare(b.submittedAt));
  renderRows($('#canaries'), live, (e) => e.id, (e) => [
    [serviceName(e) + e.id, () => experimentLink(e.id, serviceName(e)), { header: true, 'data-field': 'service' }],
    [e.candidateVersion, () => e.candidateVersion, { 'data-field': 'candidate' }],
    [e.phase, () => phaseBadge(e.phase), { 'data-field': 'phase' }],
    [`${e.step}/${e.steps}/${e.phase}`, () => (e.phase === 'QUEUED' ? '—' : `${e.step} of ${e.steps}`), { 'data-field': 'step' }],
    [e.weight, () => weightCell(e.weight), { 'data-field': 'weight' }],
    [timeLeftText(e), () => timeLeftText(e), { 'data-field': 'time-left' }],
    [`${e.verdict}|${e.verdictSummary}`, () => verdictCell(e), { 'data-field': 'verdict' }],
    [JSON.stringify(e.actuation), () => actuationCell(e.actuation), { 'data-field': 'actuation' }],
  ], (e) => ({ 'data-service': e.service, 'data-experiment': e.id, 'data-phase': e.phase }));

  const recent = all.sort((a, b) => b.submittedAt.localeCompare(a.submittedAt) || b.id.localeCompare(a.id)).slice(0, 50);
  renderRows($('#experiments'), recent, (e) => e.id, (e) => [
    [e.id, () => experimentLink(e.id, e.id.length > 14 ? `${e.id.slice(0, 13)}…` : e.id), { header: true }],
    [serviceName(e), () => serviceName(e)],
    [e.candidateVersion, () => e.candidateVersion],
    [e.phase, () => phaseBadge(e.phase), { 'data-field': 'phase' }],
    [`${e.step}/${e.steps}/${e.weight}/${e.phase}`, () => (SETTLED.has(e.phase) || e.phase === 'QUEUED' ? '—' : `${e.step} of ${e.steps} · ${e.weight}%`)],
    [e.submittedAt, () => timeEl(e.submittedAt)],
    [e.updatedAt, () => timeEl(e.updatedAt)],
  ], (e) => ({ 'data-service': e.service, 'data-experiment': e.id, 'data-phase': e.phase }));
}

// A service is a name in a namespace: shown as namespace/name wherever the namespace is known.
function serviceName(item) {
  return item.namespace ? `${item.namespace}/${item.service}` : item.service;
}

function weightCell(weight) {
  return el('div', { class: 'weight' },
    el('span', { class: 'weight-value' }, `${weight}%`),
    el('span', { class: 'bar', 'aria-hidden': 'true' }, el('span', { style: `width: ${Math.min(100, weight)}%` })));
}

function timeLeftText(e) {
  if (e.phase === 'PAUSED') return 'paused';
  if (e.phase === 'QUEUED') return 'waiting for the service';
  if (e.phase === 'ROLLING_BACK') return 'rolling back';
  if (e.timeLeftSeconds === null || e.timeLeftSeconds === undefined) return '—';
  if (e.silent) return `${duration(e.timeLeftSeconds)} (held: no health received)`;
  return e.timeLeftSeconds <= 0 ? 'minimum reached, judging' : duration(e.timeLeftSeconds);
}

function verdictCell(e) {
  return el('div', {}, verdictBadge(e.verdict), e.verdictSummary ? el('div', { class: 'small' }, e.verdictSummary) : null);
}

function renderServices() {
  renderRows($('#services'), state.services, (s) => `${s.namespace}/${s.name}`, (s) => [
    [s.name, () => s.name, { header: true }],
    [s.namespace, () => s.namespace],
    [s.productionVersion, () => (s.productionVersion ? el('strong', {}, s.productionVersion) : el('span', { class: 'muted' }, 'not promoted by Aegis yet')), { 'data-field': 'production-version' }],
    [s.rollbackTarget, () => s.rollbackTarget || '—'],
    [JSON.stringify(s.liveExperiment), () => (s.liveExperiment
      ? experimentLink(s.liveExperiment.id, `${s.liveExperiment.candidateVersion} · ${s.liveExperiment.phase.toLowerCase()} · ${s.liveExperiment.weight}%`)
      : '—')],
    [s.pendingCommands, () => String(s.pendingCommands), { class: 'num' }],
  ], (s) => ({ 'data-service': s.name, 'data-namespace': s.namespace }));
}

function renderQuarantine() {
  renderRows($('#quarantine'), state.quarantine, (q) => q.id, (q) => [
    [serviceName(q), () => experimentLink(q.experimentId, serviceName(q)), { header: true }],
    [q.candidateVersion, () => q.candidateVersion],
    [q.summary, () => q.summary, { class: 'small' }],
    [q.recordedAt, () => timeEl(q.recordedAt)],
    [q.id, () => el('button', {
      type: 'button', class: 'rca-open', 'data-rca': q.id, 'aria-haspopup': 'dialog',
      'aria-label': `View the root-cause analysis of ${serviceName(q)} ${q.candidateVersion}`,
      onclick: (ev) => openRca(q.id, ev.currentTarget),
    }, 'View RCA')],
  ], (q) => ({ 'data-service': q.service, 'data-experiment': q.experimentId }));
}

function renderChaos() {
  renderRows($('#chaos'), state.chaos, (f) => f.faultId, (f) => {
    const target = `${f.target.namespace}/${f.target.service} (${f.target.track})`;
    return [
      [target, () => target, { header: true }],
      [`${f.kind} ${f.faultId}`, () => `${f.kind} ${f.faultId}`],
      [f.summary || '', () => f.summary || '', { class: 'small' }],
      [f.expiresAt, () => timeEl(f.expiresAt)],
    ];
  }, (f) => ({ 'data-fault': f.faultId, 'data-service': f.target.service }));
  $('#chaos-halted').hidden = !state.chaosHalted;
  $('#chaos-stop').hidden = state.chaos.length === 0;
}

/** The kill switch: reverts every live fault and halts injection until a chaos engineer re-arms it. */
async function stopAllChaos(button) {
  button.disabled = true;
  const status = $('#chaos-status');
  status.textContent = 'Stopping all chaos…';
  try {
    const res = await changeRequest(`${API}/chaos/kill-switch`);
    if (!res.ok) throw new Error(await problem(res));
    const r = await res.json();
    status.textContent = `Chaos halted: ${r.reverted.length} fault(s) reverted`
      + (r.pending.length ? `, ${r.pending.length} still being reverted.` : '.');
    await loadChaos();
  } catch (err) {
    status.textContent = `Stopping chaos failed: ${err.message}`;
  } finally {
    button.disabled = false;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// RCA dialog

async function openRca(id, opener) {
  const dialog = $('#rca-dialog');
  dialog.dataset.rca = id;
  $('#rca-title').textContent = 'Root-cause analysis';
  $('#rca-summary').textContent = 'Loading…';
  for (const sel of ['#rca-facts', '#rca-checks tbody', '#rca-windows tbody', '#rca-timeline']) $(sel).replaceChildren();
  $('#rca-faults').textContent = '';
  dialog.returnFocusTo = opener || null;
  if (!dialog.open) dialog.showModal();
  try {
    const rca = await getJson(`quarantine/${encodeURIComponent(id)}/rca`);
    $('#rca-title').textContent = `Root-cause analysis: ${serviceName(rca)} ${rca.candidateVersion}`;
    $('#rca-summary').textContent = rca.summary;
    $('#rca-facts').replaceChildren(...facts([
      ['Experiment', experimentLink(rca.experimentId)],
      ['Image', el('code', {}, rca.candidateImage)],
      // failedStep is 0-based; people count steps from 1, as the summary does.
      ['Failed at', `step ${rca.failedStep + 1} (${rca.failedWeight}% of traffic)`],
      ['Production now', rca.productionVersion || '—'],
      ['Recorded', timeEl(rca.recordedAt)],
    ]));
    $('#rca-checks tbody').replaceChildren(...(rca.checks || []).map((c) => el('tr', { 'data-check': c.check },
      el('th', { scope: 'row' }, c.check),
      el('td', { 'data-field': 'observed' }, checkValue(c.check, c.observed)),
      el('td', {}, `${c.comparison} ${checkValue(c.check, c.threshold)}`),
      el('td', {}, c.message))));
    const faults = rca.activeFaults || [];
    $('#rca-faults').textContent = faults.length
      ? faults.map((f) => `${f.kind} on ${f.track} (${f.faultId})`).join(', ')
      : 'None: the failure is the candidate’s own.';
    $('#rca-windows tbody').replaceChildren(...(rca.windows || []).slice(-30).map((w) => el('tr', {},
      el('td', {}, String(w.track).toLowerCase()),
      el('td', {}, timeEl(w.windowEnd, time)),
      el('td', { class: 'num' }, String(w.requests)),
      el('td', { class: 'num' }, String(w.errors)),
      el('td', { class: 'num' }, w.requests ? percent(w.errors / w.requests) : '—'),
      el('td', { class: 'num' }, `${Math.round(w.p95LatencyMs ?? 0)} ms`))));
    $('#rca-timeline').replaceChildren(...(rca.timeline || []).map(timelineItem));
  } catch (err) {
    $('#rca-summary').textContent = `Could not load the RCA: ${err.message}`;
  }
}

function facts(pairs) {
  return pairs.flatMap(([term, value]) => [el('dt', {}, term), el('dd', {}, value ?? '—')]);
}

function timelineItem(t) {
  return el('li', {},
    el('span', { class: 'when' }, timeEl(t.at, dateTime)), ' ',
    el('strong', {}, `${t.from ? t.from.toLowerCase() : 'new'} → ${t.to.toLowerCase()}`),
    t.weight !== undefined && t.to === 'CANARY' ? ` at step ${t.step}, ${t.weight}%` : '',
    ` · ${t.actor}`,
    el('span', { class: 'reason small' }, t.reason));
}

function setUpDialog() {
  const dialog = $('#rca-dialog');
  $('#rca-close').addEventListener('click', () => dialog.close());
  dialog.addEventListener('click', (ev) => { if (ev.target === dialog) dialog.close(); });
  dialog.addEventListener('close', () => {
    const back = dialog.returnFocusTo;
    if (back && document.body.contains(back)) back.focus();
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Dead letters and audit

function renderDeadLetters() {
  const items = [...state.deadLetters.values()].sort((a, b) => b.id - a.id);
  renderRows($('#dead-letters'), items, (d) => d.id, (d) => [
    [d.id, () => String(d.id), { header: true }],
    [`${d.originalTopic}/${d.originalPartition}/${d.originalOffset}`, () => el('span', {}, d.originalTopic,
      el('span', { class: 'small' }, ` p${d.originalPartition} @${d.originalOffset}`))],
    [`${d.reasonCode}|${d.reason}`, () => el('div', {}, el('span', { class: 'badge warn' }, d.reasonCode),
      el('div', { class: 'small' }, d.reason))],
    [`${d.eventType}|${d.eventId}`, () => (d.eventType ? el('div', {}, d.eventType, el('div', { class: 'small' }, d.eventId || '')) : '—')],
    [d.firstFailedAt, () => timeEl(d.firstFailedAt)],
    [`${d.replayCount}|${d.lastReplayedAt}`, () => (d.replayCount
      ? el('span', {}, String(d.replayCount), el('span', { class: 'small' }, ` last by ${d.lastReplayedBy || '?'}`))
      : '0'), { 'data-field': 'replays' }],
    [d.id, () => el('button', {
      type: 'button', class: 'replay', 'aria-label': `Replay dead letter ${d.id} to ${d.originalTopic}`,
      onclick: (ev) => replay(d, ev.currentTarget),
    }, 'Replay')],
  ], (d) => ({ 'data-dead-letter': d.id }));
  $('#dead-letter-count').textContent = state.deadLetters.size ? String(state.deadLetters.size) : '';
}

/**
 * A change (POST) to the API, made with the session cookie: it carries the session's CSRF token, without
 * which the server refuses it. The actor in the audit log is the logged-in principal.
 */
async function changeRequest(url) {
  const headers = state.session && state.session.csrfToken ? { [CSRF_HEADER]: state.session.csrfToken } : {};
  const res = await fetch(url, { method: 'POST', headers });
  if (res.status === 401) showLogin('Your session has ended; log in again.');
  return res;
}

// ---------------------------------------------------------------------------------------------------------------
// Session: who is logged in; the login dialog exchanges a token for an HttpOnly session cookie

async function loadSession() {
  const res = await fetch(`${API}/session`, { headers: { Accept: 'application/json' } });
  if (!res.ok) return null;
  return res.json();
}

function showSession(s) {
  state.session = s;
  $('#whoami').textContent = s ? `${s.name} (${s.roles.join(', ') || 'no roles'})` : '';
  $('#logout').hidden = !s || s.via === 'local';
}

async function showSingleSignOn() {
  try {
    const res = await fetch(`${API}/session/options`, { headers: { Accept: 'application/json' } });
    if (!res.ok) return;
    const options = await res.json();
    const list = $('#login-sso');
    list.replaceChildren(...options.singleSignOn.map((p) =>
      el('li', {}, el('a', { href: p.url, class: 'button' }, `Log in with ${p.name || p.id}`))));
    list.hidden = options.singleSignOn.length === 0;
  } catch {
    // the token form still works
  }
}

function showLogin(message) {
  const dialog = $('#login-dialog');
  showSingleSignOn();
  if (!message && window.location.hash === '#login-failed') message = 'Single sign-on failed; try again or use a token.';
  $('#login-status').textContent = message || '';
  if (!dialog.open) dialog.showModal();
  $('#login-token').focus();
}

function setUpLogin(onLoggedIn) {
  $('#login-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const input = $('#login-token');
    const res = await fetch(`${API}/session`, {
      method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ token: input.value.trim() }),
    });
    if (!res.ok) {
      $('#login-status').textContent = `Login refused: ${await problem(res)}`;
      return;
    }
    input.value = '';
    showSession(await res.json());
    $('#login-dialog').close();
    onLoggedIn();
  });
  $('#logout').addEventListener('click', async () => {
    await changeRequestDelete(`${API}/session`);
    showSession(null);
    showLogin('Logged out.');
  });
}

async function changeRequestDelete(url) {
  const headers = state.session && state.session.csrfToken ? { [CSRF_HEADER]: state.session.csrfToken } : {};
  return fetch(url, { method: 'DELETE', headers });
}

async function replay(d, button) {
  button.disabled = true;
  const status = $('#replay-status');
  status.textContent = `Replaying dead letter ${d.id}…`;
  try {
    const res = await changeRequest(`${API}/dead-letters/${d.id}/replay`);
    if (!res.ok) throw new Error(await problem(res));
    const r = await res.json();
    status.textContent = `Dead letter ${d.id} replayed to ${r.topic} (partition ${r.partition}, offset ${r.offset}); replays: ${r.replayCount}.`;
    state.deadLetters.set(d.id, { ...d, replayCount: r.replayCount, lastReplayedBy: state.session ? state.session.name : '', lastReplayedAt: new Date().toISOString() });
    renderDeadLetters();
  } catch (err) {
    status.textContent = `Replay of dead letter ${d.id} failed: ${err.message}`;
  } finally {
    button.disabled = false;
  }
}

function renderAudit() {
  renderRows($('#audit'), state.audit, (a) => a.id, (a) => [
    [a.at, () => timeEl(a.at), { header: true }],
    [a.actor, () => a.actor],
    [a.action, () => el('code', {}, a.action)],
    [a.target, () => (a.target && a.action.startsWith('experiment.') ? experimentLink(a.target) : a.target || '—')],
    [a.id, () => el('span', { class: 'detail-json' }, a.detail ? JSON.stringify(a.detail) : '')],
  ]);
}

// ---------------------------------------------------------------------------------------------------------------
// Experiment page

let errorChart = null;
let latencyChart = null;
const TRACKS = [
  { track: 'canary', label: 'canary', color: '#b34700', dash: [] },
  { track: 'baseline', label: 'baseline', color: '#0b57b5', dash: [6, 3] },
  { track: 'stable', label: 'stable', color: '#4a5360', dash: [2, 3] },
];

async function loadExperiment(id) {
  try {
    const [view, windows, notifications] = await Promise.all([
      getJson(`experiments/${encodeURIComponent(id)}`),
      getJson(`experiments/${encodeURIComponent(id)}/windows`),
      getJson(`notifications?experimentId=${encodeURIComponent(id)}&limit=20`).catch(() => ({ items: [] })),
    ]);
    if (state.route.view !== 'experiment' || state.route.id !== id) return;
    state.detail = { id, view, windows: windows.windows, notifications: notifications.items };
    $('#experiment-error').hidden = true;
    renderExperiment();
  } catch (err) {
    const box = $('#experiment-error');
    box.textContent = `Could not load experiment ${id}: ${err.message}`;
    box.hidden = false;
  }
}

const refreshExperiment = throttle(() => {
  if (state.route.view === 'experiment') loadExperiment(state.route.id);
}, 1000);

function renderExperiment() {
  const { view: v, windows } = state.detail;
  const live = state.experiments.get(v.id);
  $('#experiment-title').replaceChildren(`${serviceName(v)} ${v.candidate.version} `, phaseBadge(v.phase));
  document.title = `${serviceName(v)} ${v.candidate.version} · Aegis`;
  const stepping = v.phase === 'CANARY' || v.phase === 'PAUSED';
  const minDuration = seconds(v.policy?.steps?.[v.step - 1]?.minDuration);
  const observed = seconds(v.stepProgress?.observed) ?? 0;
  const timeLeft = live ? timeLeftText(live) : (stepping && minDuration !== null ? duration(minDuration - observed) : '—');
  $('#experiment-facts').replaceChildren(...facts([
    ['Experiment', el('code', {}, v.id)],
    ['Service', `${v.service} (namespace ${v.namespace})`],
    ['Candidate', el('span', {}, v.candidate.version, ' ', el('code', { class: 'small' }, v.candidate.image))],
    ['Production at submission', v.productionVersion || '—'],
    ['Step', stepping ? `${v.step} of ${v.steps}` : '—'],
    ['Weight', el('span', { 'data-field': 'weight' }, `${v.weight}%`)],
    ['Time left in step', el('span', { 'data-field': 'time-left' }, timeLeft)],
    ['Evidence in step', v.stepProgress ? `${v.stepProgress.requests} requests, ${v.stepProgress.errors} errors, ${duration(observed)} observed` : '—'],
    ['SLO', v.policy?.slo ? `error rate < ${percent(v.policy.slo.maxErrorRate)}, p95 < ${v.policy.slo.maxP95LatencyMs} ms` : '—'],
    ['Router', v.router || '—'],
    ['Actuation', actuationCell(v.actuation)],
    ['Submitted', el('span', {}, timeEl(v.submittedAt), ` by ${v.submittedBy} (${v.origin})`)],
  ]));
  const rcaAction = $('#experiment-rca-action');
  rcaAction.replaceChildren();
  if (v.phase === 'QUARANTINED' || v.phase === 'RELEASED') {
    rcaAction.append(el('p', {}, el('button', {
      type: 'button', class: 'rca-open', 'aria-haspopup': 'dialog',
      onclick: (ev) => openRca(v.id, ev.currentTarget),
    }, 'View the root-cause analysis')));
  }

  const j = v.latestJudgment;
  $('#verdict-summary').replaceChildren(...(j ? [verdictBadge(j.verdict), ' ', j.summary] : ['No verdict yet.']));
  $('#checks tbody').replaceChildren(...(j?.checks || []).map((c) => el('tr', {},
    el('th', { scope: 'row' }, c.name),
    el('td', {}, checkValue(c.name, c.observed)),
    el('td', {}, `${c.comparison} ${checkValue(c.name, c.threshold)}`),
    el('td', {}, el('span', { class: `badge ${c.passed ? 'ok' : 'bad'}` }, c.passed ? 'passed' : 'failed')))));

  $('#timeline').replaceChildren(...v.history.map(timelineItem));
  $('#commands tbody').replaceChildren(...v.commands.map((c) => el('tr', {},
    el('th', { scope: 'row' }, el('code', {}, c.type), el('div', { class: 'small' }, c.id)),
    el('td', {}, el('span', { class: `badge ${c.status === 'DONE' ? 'ok' : c.status === 'PENDING' ? 'warn' : 'bad'}` }, c.status.toLowerCase())),
    el('td', { class: 'num' }, String(c.attempts)),
    el('td', { class: 'small' }, c.lastError || ''))));

  renderNotifications(state.detail.notifications || []);
  renderCharts(windows, v.policy?.slo);
}

const NOTIFICATION_BADGE = { delivered: 'ok', pending: 'warn', retrying: 'warn', failed: 'bad' };

function renderNotifications(items) {
  $('#notifications-empty').hidden = items.length > 0;
  $('#notifications tbody').replaceChildren(...items.map((n) => el('tr', {},
    el('th', { scope: 'row' }, n.title, el('div', { class: 'small' }, `${n.kind} · ${n.severity} · `, timeEl(n.createdAt))),
    el('td', {}, el('code', {}, n.channel)),
    el('td', {}, el('span', { class: `badge ${NOTIFICATION_BADGE[n.status] || 'warn'}` }, n.status + (n.digestId ? ' (digest)' : ''))),
    el('td', { class: 'num' }, String(n.attempts)),
    el('td', { class: 'small' }, n.lastError || ''))));
}

// Deliveries go on after the experiment settles (retries, a failure): refresh them while it is shown.
setInterval(() => {
  if (state.route?.view === 'experiment' && state.detail && !document.hidden) {
    const id = state.detail.id;
    getJson(`notifications?experimentId=${encodeURIComponent(id)}&limit=20`).then((r) => {
      if (state.detail?.id !== id) return;
      state.detail.notifications = r.items;
      renderNotifications(r.items);
    }).catch(() => {});
  }
}, 5000);

function renderCharts(windows, slo) {
  $('#charts-empty').hidden = windows.length > 0;
  const ends = [...new Set(windows.map((w) => w.windowEnd))].sort();
  const labels = ends.map(time);
  const byTrack = (track, value) => {
    const at = new Map(windows.filter((w) => String(w.track).toLowerCase() === track).map((w) => [w.windowEnd, value(w)]));
    return ends.map((e) => (at.has(e) ? at.get(e) : null));
  };
  const present = TRACKS.filter((t) => windows.some((w) => String(w.track).toLowerCase() === t.track))
    // the stable track only when there is no baseline to compare with
    .filter((t, _, all) => t.track !== 'stable' || !all.some((o) => o.track === 'baseline'));
  const datasets = (value) => present.map((t) => ({
    label: t.label, data: byTrack(t.track, value), borderColor: t.color, backgroundColor: t.color,
    borderDash: t.dash, borderWidth: t.track === 'canary' ? 2.5 : 2, pointRadius: 0, pointStyle: 'line',
    spanGaps: true, tension: 0.2,
  }));
  const threshold = (label, value) => (value === undefined || value === null ? [] : [{
    label, data: ends.map(() => value), borderColor: '#a3141b', backgroundColor: '#a3141b', borderDash: [2, 2],
    borderWidth: 1.5, pointRadius: 0, pointStyle: 'line', fill: false,
  }]);
  const errorData = { labels, datasets: [...datasets((w) => w.errorRate * 100), ...threshold('SLO', slo ? slo.maxErrorRate * 100 : null)] };
  const latencyData = { labels, datasets: [...datasets((w) => w.p95Ms), ...threshold('SLO', slo ? slo.maxP95LatencyMs : null)] };
  errorChart = drawChart(errorChart, '#error-chart', errorData, '%');
  latencyChart = drawChart(latencyChart, '#latency-chart', latencyData, 'ms');
  $('#error-chart').setAttribute('aria-label', chartSummary('Error rate', windows, (w) => percent(w.errorRate)));
  $('#latency-chart').setAttribute('aria-label', chartSummary('p95 latency', windows, (w) => `${Math.round(w.p95Ms)} ms`));

  const latest = windows.slice(-40).reverse();
  $('#windows tbody').replaceChildren(...latest.map((w) => el('tr', {},
    el('td', {}, timeEl(w.windowEnd, time)),
    el('td', { class: 'num' }, String(w.step)),
    el('td', {}, String(w.track).toLowerCase()),
    el('td', { class: 'num' }, String(w.requests)),
    el('td', { class: 'num' }, String(w.errors)),
    el('td', { class: 'num' }, percent(w.errorRate)),
    el('td', { class: 'num' }, `${Math.round(w.p95Ms)} ms`))));
}

function chartSummary(what, windows, format) {
  const last = (track) => [...windows].reverse().find((w) => String(w.track).toLowerCase() === track);
  const parts = ['canary', 'baseline'].map((t) => [t, last(t)]).filter(([, w]) => w)
    .map(([t, w]) => `${t} ${format(w)}`);
  return `${what} per window, ${windows.length} windows; latest: ${parts.join(', ') || 'none'}`;
}

function drawChart(chart, selector, data, unit) {
  if (!window.Chart) return null; // the chart library did not load; the data table still shows the numbers
  if (chart) {
    chart.data = data;
    chart.update('none');
    return chart;
  }
  return new window.Chart($(selector), {
    type: 'line',
    data,
    options: {
      animation: false,
      maintainAspectRatio: false,
      interaction: { mode: 'index', intersect: false },
      scales: {
        x: { ticks: { maxTicksLimit: 10, color: '#4a5360' }, grid: { display: false } },
        y: { beginAtZero: true, ticks: { color: '#4a5360', callback: (v) => `${v} ${unit}` } },
      },
      plugins: { legend: { labels: { color: '#1b1f24', usePointStyle: true } } },
    },
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Loading lists, routing

async function loadServices() {
  try {
    state.services = await getJson('services');
    renderServices();
  } catch (err) {
    console.warn('services', err);
  }
}

async function loadQuarantine() {
  try {
    state.quarantine = await getJson('quarantine');
    renderQuarantine();
  } catch (err) {
    console.warn('quarantine', err);
  }
}

async function loadDeadLetters() {
  try {
    const list = await getJson('dead-letters?limit=500');
    state.deadLetters = new Map(list.map((d) => [d.id, d]));
    renderDeadLetters();
  } catch (err) {
    console.warn('dead letters', err);
  }
}

async function loadChaos() {
  try {
    const [faults, killSwitch] = await Promise.all([getJson('chaos/faults?live=true'), getJson('chaos/kill-switch')]);
    state.chaos = faults;
    state.chaosHalted = killSwitch.halted;
    renderChaos();
  } catch (err) {
    console.warn('chaos', err);
  }
}

async function loadAudit() {
  try {
    state.audit = await getJson(`audit?limit=${MAX_AUDIT}`);
    renderAudit();
  } catch (err) {
    console.warn('audit', err);
  }
}

const loadChaosSoon = throttle(loadChaos, 300);

const refreshProduction = throttle(() => {
  loadServices();
  loadQuarantine();
}, 500);

function route() {
  const hash = location.hash.replace(/^#\/?/, '');
  const [first, second] = hash.split('/');
  if (first === 'experiments' && second) state.route = { view: 'experiment', id: decodeURIComponent(second) };
  else if (first === 'dead-letters') state.route = { view: 'dead-letters' };
  else if (first === 'audit') state.route = { view: 'audit' };
  else state.route = { view: 'overview' };

  for (const v of document.querySelectorAll('.view')) v.hidden = v.dataset.view !== state.route.view;
  for (const a of document.querySelectorAll('[data-nav]')) {
    if (a.dataset.nav === state.route.view) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  document.title = {
    overview: 'Overview · Aegis', 'dead-letters': 'Dead letters · Aegis', audit: 'Audit log · Aegis',
  }[state.route.view] || 'Experiment · Aegis';
  if (state.route.view === 'experiment') {
    if (!state.detail || state.detail.id !== state.route.id) {
      state.detail = null;
      $('#experiment-title').textContent = 'Experiment';
    }
    loadExperiment(state.route.id);
  }
  const heading = document.querySelector(`.view[data-view="${state.route.view}"] h1`);
  if (heading && route.initialized) {
    heading.setAttribute('tabindex', '-1');
    heading.focus();
  }
  route.initialized = true;
}

// ---------------------------------------------------------------------------------------------------------------
// Live stream

const renderOverviewSoon = perFrame(renderOverview);
const renderDeadLettersSoon = perFrame(renderDeadLetters);
const renderAuditSoon = perFrame(renderAudit);

function onExperiment(summary) {
  const before = state.experiments.get(summary.id);
  state.experiments.set(summary.id, summary);
  renderOverviewSoon();
  if (before && (before.phase !== summary.phase || before.step !== summary.step)) {
    refreshProduction();
  }
  if (!before) refreshProduction();
  if (state.route.view === 'experiment' && state.route.id === summary.id) refreshExperiment();
}

function onTransition(t) {
  const weight = t.to === 'CANARY' ? ` at ${t.weight}%` : '';
  announce(`${serviceName(t)}: ${t.from ? t.from.toLowerCase() : 'new'} to ${t.to.toLowerCase()}${weight}.`);
  refreshProduction();
  if (state.route.view === 'experiment' && state.route.id === t.experimentId) refreshExperiment();
}

function onDeadLetter(d) {
  const known = state.deadLetters.has(d.id);
  state.deadLetters.set(d.id, d);
  renderDeadLettersSoon();
  if (!known) announce(`New dead letter ${d.id}: ${d.reasonCode}.`);
}

function onAudit(a) {
  if (state.audit.some((x) => x.id === a.id)) return;
  // Every chaos injection, revert and kill-switch change is audited: the audit stream says when to reread.
  if (String(a.action).startsWith('chaos.')) loadChaosSoon();
  state.audit = [a, ...state.audit].sort((x, y) => y.id - x.id).slice(0, MAX_AUDIT);
  renderAuditSoon();
}

function setConnection(kind, text) {
  const c = $('#connection');
  if (c.dataset.state === kind && c.textContent === text) return;
  c.dataset.state = kind;
  c.textContent = text;
}

function connect() {
  const source = new EventSource(`${API}/stream`);
  const on = (name, fn) => source.addEventListener(name, (ev) => {
    try {
      $('#heartbeat').textContent = `last update ${time(new Date().toISOString())}`;
      fn(JSON.parse(ev.data));
    } catch (err) {
      console.error(`bad ${name} event`, err);
    }
  });
  on('snapshot', (s) => {
    state.experiments = new Map(s.experiments.map((e) => [e.id, e]));
    renderOverview();
    setConnection('live', 'Live');
    // after a (re)connect, lists may have missed changes: read them again
    loadServices();
    loadQuarantine();
    loadDeadLetters();
    loadAudit();
    loadChaos();
    if (state.route.view === 'experiment') refreshExperiment();
  });
  on('experiment', onExperiment);
  on('transition', onTransition);
  on('dead-letter', onDeadLetter);
  on('audit', onAudit);
  on('heartbeat', () => {}); // keeps "last update" fresh while nothing changes
  source.onerror = () => {
    if (source.readyState === EventSource.CLOSED) {
      // refused (e.g. 503: too many streams) or failed for good: try again shortly
      setConnection('down', 'Live updates unavailable, retrying…');
      setTimeout(connect, 5000);
    } else {
      setConnection('down', 'Reconnecting…');
    }
  };
}

let started = false;
function start() {
  if (started) { route(); return; }
  started = true;
  window.addEventListener('hashchange', route);
  $('#chaos-stop').addEventListener('click', (ev) => stopAllChaos(ev.currentTarget));
  // Faults also end on their own (expiry, their experiment settling): reread now and then.
  setInterval(loadChaos, 10000);
  route();
  connect();
}

setUpDialog();
setUpLogin(start);
loadSession().then((s) => {
  if (s) {
    showSession(s);
    start();
  } else {
    showLogin('');
  }
});
