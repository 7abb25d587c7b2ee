// The technicians' dashboard: a snapshot and numbered live events over the websocket, overrides
// sent back over it. Every override is checked and audited by the orchestrator; this page only asks.
import { getJson, LiveSocket, session, signIn } from './api.js';
import { renderCalibration } from './calibration.js';
import { showLatestFrame } from './latest-frame.js';
import { renderModelMap } from './model-map.js';

const state = {
  user: null,
  campaigns: new Map(),
  selectedId: null,
  experiments: new Map(),
  instruments: new Map(),
  approvals: new Map(), // experimentId -> { campaignId, experimentId }
  estop: null,
};

const $ = (selector) => document.querySelector(selector);
const el = (tag, attrs = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const child of children) if (child !== null && child !== undefined) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  return node;
};
const badge = (text) => el('span', { class: `badge ${text}` }, text);
const fmt = (v) => (typeof v === 'number' ? (Math.abs(v) >= 1000 || (Math.abs(v) < 0.01 && v !== 0) ? v.toExponential(2) : v.toPrecision(3)) : String(v));

let toastTimer;
function toast(message, isError = false) {
  const node = $('#toast');
  node.textContent = message;
  node.className = isError ? 'error' : '';
  node.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => (node.hidden = true), 6000);
}

const live = new LiveSocket({
  onConnection: (status) => $('#connection').replaceWith(Object.assign(badge(status), { id: 'connection' })),
  onSnapshot: applySnapshot,
  onEvent: applyEvent,
  onUnauthorized: (message) => showLogin(message),
});

/** Send an override and say how it went. */
async function control(command, success) {
  const result = await live.control(command);
  if (result.ok) {
    if (success) toast(success);
  } else {
    toast(`refused: ${result.error}`, true);
    logEvent(`refused ${command.type}: ${result.error}`);
  }
  return result;
}

const selected = () => state.campaigns.get(state.selectedId);

async function loadCampaign(id) {
  state.selectedId = id;
  state.experiments.clear();
  for (const row of await getJson(`/api/campaigns/${id}/experiments`)) state.experiments.set(row.id, row);
  render();
}

// ---- rendering -------------------------------------------------------------------------------

function renderCampaigns() {
  $('#campaigns').replaceChildren(
    ...[...state.campaigns.values()]
      .sort((a, b) => b.createdAtMs - a.createdAtMs)
      .map((c) => el('li', { 'data-id': c.id, class: c.id === state.selectedId ? 'selected' : '', onclick: () => loadCampaign(c.id) }, `${c.name} `, badge(c.status))),
  );
}

let plot;
function renderConvergence(rows, objective) {
  const done = rows.filter((r) => r.objectives && objective && r.objectives[objective.name] !== undefined && !r.excludedReason);
  const xs = done.map((r) => r.index + 1);
  const ys = done.map((r) => r.objectives[objective.name]);
  const better = objective?.direction === 'minimize' ? Math.min : Math.max;
  const best = ys.map((_, i) => better(...ys.slice(0, i + 1)));
  const predicted = done.map((r) => r.predicted?.[objective.name]?.mean ?? null);
  const data = [xs, ys, best, predicted];
  const container = $('#convergence');
  const label = objective?.name ?? 'objective';
  // The y axis names the objective: a campaign with another objective needs a new plot.
  if (plot && plot.axes[1].label !== label) {
    plot.destroy();
    plot = null;
  }
  if (!plot) {
    plot = new uPlot(
      {
        width: Math.max(320, container.clientWidth),
        height: 240,
        scales: { x: { time: false } },
        axes: [{ label: 'experiment' }, { label }],
        series: [
          {},
          { label: 'measured', stroke: '#4a6fc0', points: { show: true, size: 6 }, paths: () => null },
          { label: 'best so far', stroke: '#1a7f37', width: 2 },
          { label: 'predicted', stroke: '#b35900', points: { show: true, size: 5 }, paths: () => null },
        ],
      },
      data,
      container,
    );
  } else {
    plot.setData(data);
  }
  container.setAttribute('aria-label', `convergence of ${plot.axes[1].label} over experiments`);
}

function paramInputs(parameters, values = {}) {
  return parameters.flatMap((p) => {
    const input =
      p.type === 'categorical' ? el('select', { name: p.name }, ...p.values.map((v) => el('option', v === values[p.name] ? { selected: '' } : {}, v))) : el('input', { name: p.name, type: 'number', step: 'any', value: values[p.name] ?? '' });
    const range = p.type === 'continuous' || p.type === 'integer' ? ` [${p.lower}, ${p.upper}]` : '';
    return [el('label', {}, `${p.name}${range}`), input];
  });
}

function readParams(form, parameters) {
  const data = new FormData(form);
  return Object.fromEntries(parameters.map((p) => [p.name, p.type === 'categorical' ? String(data.get(p.name)) : Number(data.get(p.name))]));
}

function renderApprovals(campaign) {
  const waiting = [...state.approvals.values()].filter((a) => a.campaignId === campaign.id);
  $('#approvals').hidden = waiting.length === 0;
  $('#approval-list').replaceChildren(
    ...waiting.map(({ experimentId }) => {
      const row = state.experiments.get(experimentId);
      if (!row) return el('div');
      const objective = campaign.objectives?.[0];
      const predicted = objective && row.predicted?.[objective.name];
      const form = el('form', { class: 'params' }, ...paramInputs(campaign.parameters, row.params));
      const approve = () => {
        const edited = readParams(form, campaign.parameters);
        const changed = campaign.parameters.some((p) => edited[p.name] !== row.params[p.name]);
        control({ type: 'approve', campaignId: campaign.id, experimentId, ...(changed ? { params: edited } : {}) }, changed ? 'approved with your edits' : 'approved');
      };
      const reject = () => {
        const reason = prompt('Why reject this proposal?');
        if (reason) control({ type: 'reject', campaignId: campaign.id, experimentId, reason }, 'rejected');
      };
      return el(
        'div',
        { class: 'approval', 'data-experiment': experimentId },
        el('strong', {}, `Proposal #${row.index + 1}`),
        predicted ? ` predicted ${fmt(predicted.mean)} ± ${fmt(predicted.sd)}` : '',
        el('div', { class: 'why' }, row.explanation?.reason ?? ''),
        form,
        el('div', { class: 'row' }, el('button', { type: 'button', 'data-action': 'approve', onclick: approve }, 'Approve'), el('button', { type: 'button', class: 'danger', 'data-action': 'reject', onclick: reject }, 'Reject…')),
      );
    }),
  );
}

function renderInject(campaign) {
  const form = $('#inject-form');
  if (form.dataset.campaign === campaign.id) return;
  form.dataset.campaign = campaign.id;
  form.replaceChildren(...paramInputs(campaign.parameters), el('span'), el('button', { type: 'submit' }, 'Run next'));
  form.onsubmit = (event) => {
    event.preventDefault();
    control({ type: 'inject', campaignId: campaign.id, params: readParams(form, campaign.parameters) }, 'queued: it runs next');
  };
}

function renderExperiments(rows, campaign, objective) {
  $('#experiments tbody').replaceChildren(
    ...rows
      .slice()
      .reverse()
      .map((r) => {
        const predicted = objective && r.predicted?.[objective.name];
        const measured = objective && r.objectives?.[objective.name];
        const params = Object.entries(r.params).map(([k, v]) => `${k}=${fmt(v)}`).join(' ');
        const exclude = () => {
          const reason = prompt(`Exclude experiment ${r.index + 1} from the model: why?`);
          if (reason) control({ type: 'exclude', campaignId: campaign.id, experimentId: r.id, reason }, 'excluded from the model');
        };
        const canExclude = (r.status === 'succeeded' || r.status === 'failed') && !r.excludedReason;
        return el(
          'tr',
          { 'data-index': r.index, class: r.excludedReason ? 'excluded' : '' },
          el('td', {}, r.index + 1),
          el('td', {}, badge(r.status)),
          el('td', {}, params),
          el('td', {}, predicted ? `${fmt(predicted.mean)} ± ${fmt(predicted.sd)}` : ''),
          el('td', {}, measured !== undefined && measured !== null ? fmt(measured) : r.failureReason ?? ''),
          el('td', { class: 'why' }, r.excludedReason ? `excluded: ${r.excludedReason}` : (r.explanation?.reason ?? '')),
          el('td', {}, canExclude ? el('button', { class: 'link-dark', onclick: exclude, title: 'leave out of the model' }, 'exclude') : ''),
        );
      }),
  );
}

function render() {
  renderCampaigns();
  const campaign = selected();
  $('#run-controls').hidden = !campaign;
  if (!campaign) return;
  const rows = [...state.experiments.values()].sort((a, b) => a.index - b.index);
  const objective = campaign.objectives?.[0];
  $('#campaign-title').replaceChildren(`${campaign.name} `, badge(campaign.status));
  const done = rows.filter((r) => r.status === 'succeeded').length;
  $('#campaign-meta').textContent = `${rows.filter((r) => r.status !== 'rejected').length} of ${campaign.budgetExperiments} experiments, ${done} succeeded · approval ${campaign.approvalMode} · planner ${campaign.plannerKind} ${campaign.plannerVersion} · seed ${campaign.seed} · config ${campaign.configSha256.slice(0, 12)}`;
  renderConvergence(rows, objective);
  scheduleModelMap(campaign, rows);
  renderCalibration(campaign, rows, { card: $('#calibration-card'), canvas: $('#calibration-plot'), numbers: $('#calibration-numbers'), note: $('#calibration-note') });
  renderApprovals(campaign);
  renderInject(campaign);
  renderExperiments(rows, campaign, objective);
}

// The map costs a request and many predictions: at most one every two seconds.
let mapTimer;
let mapDue = 0;
function scheduleModelMap(campaign, rows) {
  clearTimeout(mapTimer);
  const elements = { card: $('#model-card'), x: $('#map-x'), y: $('#map-y'), mean: $('#map-mean'), sd: $('#map-sd'), note: $('#map-note') };
  mapTimer = setTimeout(() => {
    mapDue = Date.now() + 2000;
    renderModelMap(campaign, rows, elements);
  }, Math.max(0, mapDue - Date.now()));
}

function renderInstruments() {
  $('#instruments').replaceChildren(
    ...[...state.instruments.values()].map((i) => {
      const telemetry = Object.entries(i.telemetry ?? {})
        .map(([k, v]) => `${k}: ${fmt(v)}`)
        .join(', ');
      const mine = i.leasedBy === state.user?.name;
      const lease = i.leasedBy
        ? el('span', { class: 'lease' }, `manual control: ${i.leasedBy} `, mine ? el('button', { onclick: () => control({ type: 'releaseLease', instrumentId: i.id }, `released ${i.id}`) }, 'Release') : null)
        : el('button', { class: 'lease', onclick: () => control({ type: 'takeLease', instrumentId: i.id }, `you control ${i.id}; automation waits`) }, 'Take control');
      const problems = (i.problems ?? []).map((problem) =>
        el('button', { class: 'danger', onclick: () => { const reason = prompt(`Problem '${problem}' on ${i.id} dealt with? Say how.`); if (reason) control({ type: 'clearProblem', instrumentId: i.id, problem, reason }, `cleared ${problem}`); } }, `clear ${problem}…`),
      );
      return el('li', { 'data-id': i.id, 'data-state': i.state }, el('strong', {}, i.id), ` (${i.kind}) `, badge(i.state), ' ', lease, ...problems, el('div', { class: 'telemetry' }, telemetry || i.reasons.join(', ')));
    }),
  );
}

function renderEstop() {
  $('#estop-banner').hidden = !state.estop;
  if (state.estop) $('#estop-detail').textContent = `by ${state.estop.by}: ${state.estop.reason}`;
}

function logEvent(text) {
  const list = $('#events');
  list.prepend(el('li', {}, `${new Date().toLocaleTimeString()} ${text}`));
  while (list.children.length > 300) list.lastChild.remove();
}

// ---- events ----------------------------------------------------------------------------------

function applyEvent(event) {
  const d = event.data;
  switch (event.type) {
    case 'campaign.status': {
      const known = state.campaigns.get(d.id);
      if (known) {
        known.status = d.status;
        render();
      } else {
        getJson(`/api/campaigns/${d.id}`).then((c) => {
          state.campaigns.set(c.id, c);
          if (!state.selectedId || selected()?.status !== 'running') loadCampaign(c.id);
          else renderCampaigns();
        });
      }
      logEvent(`campaign ${d.name}: ${d.status}${d.reason && d.status !== 'running' ? ` (${d.reason})` : ''}`);
      break;
    }
    case 'experiment.proposed':
    case 'experiment.finished':
      if (event.campaignId === state.selectedId) {
        state.experiments.set(d.id, { ...(state.experiments.get(d.id) ?? {}), ...d });
        if (event.type === 'experiment.finished') state.approvals.delete(d.id);
        render();
      }
      if (event.type === 'experiment.finished') logEvent(`experiment ${d.index + 1}: ${d.status}`);
      break;
    case 'experiment.step':
      if (event.campaignId === state.selectedId) {
        showLatestFrame(d, { card: $('#frame-card'), image: $('#frame-image'), overlay: $('#frame-overlay'), caption: $('#frame-caption') }).catch(() => undefined);
      }
      break;
    case 'experiment.started':
      state.approvals.delete(d.id);
      if (state.experiments.has(d.id)) state.experiments.get(d.id).status = 'running';
      render();
      break;
    case 'approval.requested':
      state.approvals.set(d.experimentId, { campaignId: event.campaignId, experimentId: d.experimentId });
      logEvent(`proposal ${d.index + 1} waits for approval`);
      render();
      break;
    case 'instrument.status':
      state.instruments.set(d.id, d);
      renderInstruments();
      break;
    case 'control':
      logEvent(`${d.by} (${d.role}): ${d.type}${d.reason ? ` — ${d.reason}` : ''}`);
      if (d.type === 'approve' || d.type === 'reject') state.approvals.delete(d.target);
      if (d.type === 'estop') state.estop = { by: d.by, reason: d.reason ?? 'emergency stop' };
      if (d.type === 'resetEstop') state.estop = null;
      if (d.type === 'exclude') getJson(`/api/campaigns/${event.campaignId}/experiments`).then((rows) => { if (event.campaignId === state.selectedId) { for (const r of rows) state.experiments.set(r.id, r); render(); } });
      renderEstop();
      render();
      break;
    case 'alert':
      logEvent(`⚠ ${d.message}`);
      break;
    default:
      break;
  }
}

function applySnapshot(snapshot) {
  state.user = snapshot.user;
  $('#user').textContent = `${snapshot.user.name} (${snapshot.user.role})`;
  $('#logout').hidden = false;
  state.campaigns = new Map(snapshot.campaigns.map((c) => [c.id, c]));
  state.instruments = new Map(snapshot.instruments.map((i) => [i.id, i]));
  state.selectedId = snapshot.campaigns[0]?.id ?? null;
  state.experiments = new Map(snapshot.experiments.map((e) => [e.id, e]));
  state.approvals = new Map(snapshot.awaitingApproval.map((a) => [a.experimentId, a]));
  state.estop = snapshot.estop;
  showApp();
  render();
  renderInstruments();
  renderEstop();
}

// ---- wiring ----------------------------------------------------------------------------------

function showLogin(message) {
  session.token = null;
  $('#app').hidden = true;
  $('#login').hidden = false;
  $('#login-error').textContent = message && message !== 'sign in' ? message : '';
}

function showApp() {
  $('#login').hidden = true;
  $('#app').hidden = false;
  listCampaignFiles().catch(() => undefined);
}

$('#login').addEventListener('submit', async (event) => {
  event.preventDefault();
  const data = new FormData(event.target);
  try {
    await signIn({ name: data.get('name'), password: data.get('password') });
    live.connect();
  } catch (error) {
    $('#login-error').textContent = error.message;
  }
});

$('#logout').addEventListener('click', () => {
  session.token = null;
  location.reload();
});

$('#estop').addEventListener('click', () => control({ type: 'estop', reason: 'emergency stop button' }, 'EMERGENCY STOP sent to every instrument'));
$('#estop-reset').addEventListener('click', () => {
  const reason = prompt('Reset the emergency stop: what was wrong, and is it safe now?');
  if (reason) control({ type: 'resetEstop', reason }, 'emergency stop reset; campaigns stay paused until resumed');
});

for (const button of document.querySelectorAll('#run-controls button')) {
  button.addEventListener('click', () => {
    const campaign = selected();
    if (!campaign) return;
    const type = button.dataset.control;
    if (type === 'abort') {
      const reason = prompt(`Abort '${campaign.name}'? The step in flight is cancelled. Why?`);
      if (reason) control({ type, campaignId: campaign.id, reason }, 'aborting');
      return;
    }
    control({ type, campaignId: campaign.id }, `${button.textContent.toLowerCase()}: sent`);
  });
}

for (const select of ['#map-x', '#map-y']) $(select).addEventListener('change', () => render());
$('#frame-show-overlay').addEventListener('change', (event) => ($('#frame-overlay').hidden = !event.target.checked));

$('#start-form').addEventListener('submit', (event) => {
  event.preventDefault();
  control({ type: 'startCampaign', file: new FormData(event.target).get('file'), seed: 1 }, 'campaign started');
});

/** Offer the shipped campaign files by name in the start form. */
async function listCampaignFiles() {
  const files = await getJson('/api/campaigns/files');
  $('#campaign-files').replaceChildren(
    ...files.map((f) => Object.assign(document.createElement('option'), { value: f.file, label: `${f.name}: ${f.description}` })),
  );
}

async function boot() {
  getJson('/api/health').then((h) => ($('#lab-name').textContent = h.lab)).catch(() => undefined);
  const code = new URLSearchParams(location.search).get('login');
  if (code) {
    history.replaceState(null, '', location.pathname);
    try {
      await signIn({ code });
    } catch (error) {
      return showLogin(error.message);
    }
  }
  if (!session.token) return showLogin();
  live.connect();
}

boot();
