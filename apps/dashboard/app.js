// The technicians' dashboard: REST for the first picture, then live events over the websocket.
// Events carry sequence numbers; on reconnect the page asks for what it missed.

const state = {
  lastSeq: 0,
  campaigns: new Map(),
  selectedId: null,
  experiments: new Map(),
  instruments: new Map(),
};

const $ = (selector) => document.querySelector(selector);
const el = (tag, attrs = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  return node;
};
const badge = (text) => el('span', { class: `badge ${text}` }, text);
const fmt = (v) => (typeof v === 'number' ? (Math.abs(v) >= 1000 || (Math.abs(v) < 0.01 && v !== 0) ? v.toExponential(2) : v.toPrecision(3)) : String(v));

async function getJson(path) {
  const response = await fetch(path);
  if (!response.ok) throw new Error(`${path}: ${response.status}`);
  return response.json();
}

async function loadCampaign(id) {
  state.selectedId = id;
  state.experiments.clear();
  for (const row of await getJson(`/api/campaigns/${id}/experiments`)) state.experiments.set(row.id, row);
  render();
}

function selectedCampaign() {
  return state.campaigns.get(state.selectedId);
}

const objectiveOf = (campaign) => campaign?.objectives?.[0];

function renderCampaigns() {
  const list = $('#campaigns');
  list.replaceChildren(
    ...[...state.campaigns.values()]
      .sort((a, b) => b.createdAtMs - a.createdAtMs)
      .map((c) => {
        const item = el('li', { 'data-id': c.id, class: c.id === state.selectedId ? 'selected' : '' }, `${c.name} `, badge(c.status));
        item.addEventListener('click', () => loadCampaign(c.id));
        return item;
      }),
  );
}

let plot;
function renderConvergence(rows, objective) {
  const done = rows.filter((r) => r.objectives && objective && r.objectives[objective.name] !== undefined);
  const xs = done.map((r) => r.index + 1);
  const ys = done.map((r) => r.objectives[objective.name]);
  const better = objective?.direction === 'minimize' ? Math.min : Math.max;
  const best = ys.map((_, i) => better(...ys.slice(0, i + 1)));
  const data = [xs, ys, best];
  const container = $('#convergence');
  if (!plot) {
    plot = new uPlot(
      {
        width: Math.max(320, container.clientWidth),
        height: 240,
        scales: { x: { time: false } },
        axes: [{ label: 'experiment' }, { label: objective?.name ?? 'objective' }],
        series: [
          {},
          { label: 'measured', stroke: '#8aa4d6', points: { show: true, size: 6 }, paths: () => null },
          { label: 'best so far', stroke: '#1a7f37', width: 2 },
        ],
      },
      data,
      container,
    );
  } else {
    plot.setData(data);
  }
}

function renderExperiments(rows, objective) {
  const body = $('#experiments tbody');
  body.replaceChildren(
    ...rows
      .slice()
      .reverse()
      .map((r) => {
        const predicted = objective && r.predicted?.[objective.name];
        const measured = objective && r.objectives?.[objective.name];
        const params = Object.entries(r.params).map(([k, v]) => `${k}=${fmt(v)}`).join(' ');
        const why = r.explanation?.reason ?? '';
        return el(
          'tr',
          { 'data-index': r.index },
          el('td', {}, r.index + 1),
          el('td', {}, badge(r.status)),
          el('td', {}, params),
          el('td', {}, predicted ? `${fmt(predicted.mean)} ± ${fmt(predicted.sd)}` : ''),
          el('td', {}, measured !== undefined && measured !== null ? fmt(measured) : r.failureReason ?? ''),
          el('td', { class: 'why' }, why),
        );
      }),
  );
}

function render() {
  renderCampaigns();
  const campaign = selectedCampaign();
  if (!campaign) return;
  const rows = [...state.experiments.values()].sort((a, b) => a.index - b.index);
  const objective = objectiveOf(campaign);
  $('#campaign-title').replaceChildren(`${campaign.name} `, badge(campaign.status));
  const done = rows.filter((r) => r.status === 'succeeded').length;
  $('#campaign-meta').textContent = `${rows.length} experiments, ${done} succeeded · planner ${campaign.plannerKind} ${campaign.plannerVersion} · seed ${campaign.seed} · config ${campaign.configSha256.slice(0, 12)}`;
  renderConvergence(rows, objective);
  renderExperiments(rows, objective);
}

function renderInstruments() {
  $('#instruments').replaceChildren(
    ...[...state.instruments.values()].map((i) => {
      const telemetry = Object.entries(i.telemetry ?? {})
        .map(([k, v]) => `${k}: ${fmt(v)}`)
        .join(', ');
      return el('li', { 'data-id': i.id }, el('strong', {}, i.id), ` (${i.kind}) `, badge(i.state), el('div', { class: 'telemetry' }, telemetry || i.reasons.join(', ')));
    }),
  );
}

function logEvent(text) {
  const list = $('#events');
  list.prepend(el('li', {}, `${new Date().toLocaleTimeString()} ${text}`));
  while (list.children.length > 200) list.lastChild.remove();
}

function applyEvent(event) {
  state.lastSeq = event.seq;
  const d = event.data;
  switch (event.type) {
    case 'campaign.status': {
      const known = state.campaigns.get(d.id);
      if (known) known.status = d.status;
      else getJson(`/api/campaigns/${d.id}`).then((c) => { state.campaigns.set(c.id, c); if (!state.selectedId) loadCampaign(c.id); else renderCampaigns(); });
      if (!state.selectedId) state.selectedId = d.id;
      logEvent(`campaign ${d.name}: ${d.status}`);
      render();
      break;
    }
    case 'experiment.proposed':
    case 'experiment.finished':
      if (event.campaignId === state.selectedId) {
        state.experiments.set(d.id, { ...(state.experiments.get(d.id) ?? {}), ...d });
        render();
      }
      if (event.type === 'experiment.finished') logEvent(`experiment ${d.index + 1}: ${d.status}`);
      break;
    case 'instrument.status':
      state.instruments.set(d.id, d);
      renderInstruments();
      break;
    case 'alert':
      logEvent(`⚠ ${d.message}`);
      break;
    default:
      break;
  }
}

function applySnapshot(snapshot) {
  state.lastSeq = snapshot.seq;
  state.campaigns = new Map(snapshot.campaigns.map((c) => [c.id, c]));
  state.instruments = new Map(snapshot.instruments.map((i) => [i.id, i]));
  state.selectedId = snapshot.campaigns[0]?.id ?? null;
  state.experiments = new Map(snapshot.experiments.map((e) => [e.id, e]));
  render();
  renderInstruments();
}

function connect(delayMs = 500) {
  const socket = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`);
  socket.addEventListener('open', () => {
    $('#connection').replaceWith(Object.assign(badge('connected'), { id: 'connection' }));
    socket.send(JSON.stringify({ event: 'hello', data: { lastSeq: state.lastSeq } }));
  });
  socket.addEventListener('message', (message) => {
    const { event, data } = JSON.parse(message.data);
    if (event === 'snapshot') applySnapshot(data);
    else if (event === 'lab') applyEvent(data);
  });
  socket.addEventListener('close', () => {
    $('#connection').replaceWith(Object.assign(badge('disconnected'), { id: 'connection' }));
    setTimeout(() => connect(Math.min(delayMs * 2, 10_000)), delayMs);
  });
}

getJson('/api/health').then((h) => ($('#lab-name').textContent = h.lab)).catch(() => undefined);
connect();
