// Did the model's uncertainty hold? Predicted (mean, ±2 sd) against measured for the campaign's
// first objective, and the share of measurements within 1 and 2 sd, from /api/campaigns/:id/calibration.
import { getJson } from './api.js';

const pct = (share) => (share === null || share === undefined ? '–' : `${Math.round(100 * share)}%`);
const num = (v) => (v === null || v === undefined ? '–' : Number(v).toPrecision(3));

function draw(canvas, pairs) {
  const ctx = canvas.getContext('2d');
  const { width, height } = canvas;
  const margin = 28;
  ctx.clearRect(0, 0, width, height);
  const values = pairs.flatMap((p) => [p.measured, p.predictedMean - 2 * p.predictedSd, p.predictedMean + 2 * p.predictedSd]);
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  if (!(hi > lo)) { lo -= 1; hi += 1; }
  // One scale for both axes, so the y = x line is the diagonal.
  const px = (v) => margin + ((v - lo) / (hi - lo)) * (width - 2 * margin);
  const py = (v) => height - margin - ((v - lo) / (hi - lo)) * (height - 2 * margin);
  ctx.strokeStyle = '#b8bfcc';
  ctx.strokeRect(margin, margin, width - 2 * margin, height - 2 * margin);
  ctx.setLineDash([5, 4]);
  ctx.beginPath();
  ctx.moveTo(px(lo), py(lo));
  ctx.lineTo(px(hi), py(hi));
  ctx.stroke();
  ctx.setLineDash([]);
  for (const p of pairs) {
    const inside = Math.abs(p.z) <= 2;
    ctx.strokeStyle = inside ? 'rgba(59,99,184,.5)' : 'rgba(198,40,40,.6)';
    ctx.beginPath();
    ctx.moveTo(px(p.measured), py(p.predictedMean - 2 * p.predictedSd));
    ctx.lineTo(px(p.measured), py(p.predictedMean + 2 * p.predictedSd));
    ctx.stroke();
    ctx.fillStyle = inside ? '#3b63b8' : '#c62828';
    ctx.beginPath();
    ctx.arc(px(p.measured), py(p.predictedMean), 3.5, 0, 2 * Math.PI);
    ctx.fill();
  }
  ctx.fillStyle = '#6b7384';
  ctx.font = '11px system-ui, sans-serif';
  ctx.textAlign = 'center';
  ctx.fillText(`measured → (both axes ${num(lo)} … ${num(hi)})`, width / 2, height - 9);
  ctx.save();
  ctx.translate(14, height / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.fillText('predicted, ±2 sd (same scale)', 0, 0);
  ctx.restore();
}

let shownKey = '';

/** Refetch only when a measurement was added or excluded; the panel hides until a prediction can be checked. */
export async function renderCalibration(campaign, experiments, elements) {
  const key = `${campaign.id}:${experiments.filter((e) => e.objectives).length}:${experiments.filter((e) => e.excludedReason).length}`;
  if (key === shownKey) return;
  shownKey = key;
  let calibration;
  try {
    calibration = await getJson(`/api/campaigns/${campaign.id}/calibration`);
  } catch (error) {
    elements.note.textContent = error.message;
    return;
  }
  const first = calibration.objectives[0];
  elements.card.hidden = !first || first.pairs.length === 0;
  if (elements.card.hidden) return;
  draw(elements.canvas, first.pairs);
  const { nominal } = calibration;
  elements.numbers.textContent =
    `${first.objective}: ${first.pairs.length} predictions checked · within 1 sd ${pct(first.within1SdShare)} (nominal ${pct(nominal.within1Sd)}) · ` +
    `within 2 sd ${pct(first.within2SdShare)} (nominal ${pct(nominal.within2Sd)}) · mean |z| ${num(first.meanAbsZ)} (nominal ${num(nominal.meanAbsZ)}) · RMSE ${num(first.rmse)}`;
  elements.note.textContent = 'red: measured outside the predicted ±2 sd';
}
