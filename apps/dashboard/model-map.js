// The model's mean and uncertainty over two chosen inputs, drawn on canvases, with the measured
// points on top. In candidate mode (locations on a microscope image) each candidate is a dot.
import { getJson } from './api.js';

/** Perceptually ordered colours (dark blue -> green -> yellow) for a value in [0, 1]. */
function colour(t) {
  const stops = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];
  const u = Math.min(0.9999, Math.max(0, t)) * (stops.length - 1);
  const i = Math.floor(u);
  const f = u - i;
  return stops[i].map((c, k) => Math.round(c + f * (stops[i + 1][k] - c)));
}

function draw(canvas, map, key, measured) {
  const ctx = canvas.getContext('2d');
  const { width, height } = canvas;
  ctx.clearRect(0, 0, width, height);
  const values = map.cells.map((c) => c[key]).filter(Number.isFinite);
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const px = (x) => ((x - map.x.lower) / (map.x.upper - map.x.lower)) * width;
  const py = (y) => height - ((y - map.y.lower) / (map.y.upper - map.y.lower)) * height;
  const side = Math.sqrt(map.cells.length);
  const cellW = width / side + 1;
  const cellH = height / side + 1;
  for (const cell of map.cells) {
    if (!Number.isFinite(cell[key])) continue;
    const [r, g, b] = colour(hi > lo ? (cell[key] - lo) / (hi - lo) : 0.5);
    ctx.fillStyle = `rgb(${r},${g},${b})`;
    ctx.fillRect(px(cell.x) - cellW / 2, py(cell.y) - cellH / 2, cellW, cellH);
  }
  ctx.strokeStyle = '#fff';
  ctx.fillStyle = '#d62728';
  for (const point of measured) {
    ctx.beginPath();
    ctx.arc(px(point.x), py(point.y), 3.5, 0, 2 * Math.PI);
    ctx.fill();
    ctx.stroke();
  }
  return { lo, hi };
}

/** Fetch the map for the selected axes and draw mean and sd. */
export async function renderModelMap(campaign, experiments, elements) {
  const numeric = campaign.parameters.filter((p) => p.type === 'continuous' || p.type === 'integer');
  elements.card.hidden = numeric.length < 2 || !['running', 'paused', 'awaiting_approval'].includes(campaign.status);
  if (elements.card.hidden) return;
  for (const select of [elements.x, elements.y]) {
    if (select.options.length !== numeric.length) {
      select.replaceChildren(...numeric.map((p) => new Option(p.name, p.name)));
    }
  }
  if (!elements.x.dataset.init) {
    elements.x.value = numeric[numeric.length - 2].name;
    elements.y.value = numeric[numeric.length - 1].name;
    elements.x.dataset.init = '1';
  }
  const x = elements.x.value;
  const y = elements.y.value;
  let map;
  try {
    map = await getJson(`/api/campaigns/${campaign.id}/model?x=${encodeURIComponent(x)}&y=${encodeURIComponent(y)}&n=32`);
  } catch (error) {
    elements.note.textContent = error.message;
    return;
  }
  if (!map.cells.length) {
    elements.note.textContent = 'no model yet: the initial design is still running';
    return;
  }
  const measured = experiments.filter((e) => e.objectives && !e.excludedReason).map((e) => ({ x: Number(e.params[x]), y: Number(e.params[y]) }));
  const mean = draw(elements.mean, map, 'mean', measured);
  const sd = draw(elements.sd, map, 'sd', measured);
  elements.note.textContent = `${map.objective}: mean ${mean.lo.toPrecision(3)} to ${mean.hi.toPrecision(3)}, sd ${sd.lo.toPrecision(2)} to ${sd.hi.toPrecision(2)}; red dots are measurements${campaign.parameters.length > 2 ? '; other inputs held at the best point so far' : ''}`;
}
