// Draws the report's charts with uPlot (inlined before this script) from the JSON the report
// embeds; nothing is fetched. Plain browser JavaScript: the report must open from a file.
/* global uPlot */
(function () {
  'use strict';
  var WIDTH = 560;
  var HEIGHT = 320;
  var BLUE = '#3b63b8';
  var GREEN = '#1a7f37';
  var ORANGE = '#c45a00';
  var GREY = '#888';

  /** Perceptually ordered colours (dark blue -> green -> yellow) for t in [0, 1]. */
  function viridis(t) {
    var stops = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];
    var u = Math.min(0.9999, Math.max(0, t)) * (stops.length - 1);
    var i = Math.floor(u);
    var f = u - i;
    var c = stops[i].map(function (v, k) { return Math.round(v + f * (stops[i + 1][k] - v)); });
    return 'rgb(' + c.join(',') + ')';
  }

  function fmt(v) {
    if (v === null || v === undefined || !isFinite(v)) return '–';
    var a = Math.abs(v);
    return a !== 0 && (a >= 1e5 || a < 1e-3) ? v.toExponential(2) : String(Number(v.toPrecision(4)));
  }

  function padded(lo, hi) {
    if (!(hi > lo)) { lo -= 1; hi += 1; }
    var pad = (hi - lo) * 0.06;
    return [lo - pad, hi + pad];
  }

  function pointsOnly(label, colour, size) {
    return { label: label, stroke: colour, fill: colour, width: 0, paths: function () { return null; }, points: { show: true, size: size || 7, stroke: colour, fill: colour } };
  }

  function sortedBy(points, key) {
    return points.slice().sort(function (a, b) { return a[key] - b[key]; });
  }

  function convergence(spec) {
    var stepped = uPlot.paths && uPlot.paths.stepped ? uPlot.paths.stepped({ align: 1 }) : undefined;
    return {
      opts: {
        title: spec.title,
        scales: { x: { time: false } },
        axes: [{ label: 'experiment' }, { label: spec.yLabel, size: 70 }],
        series: [{ label: 'experiment' }, pointsOnly('measured', BLUE, 7), { label: 'best so far', stroke: GREEN, width: 2, paths: stepped, spanGaps: true }],
      },
      data: [spec.experiment, spec.measured, spec.best],
    };
  }

  function pareto(spec) {
    var points = sortedBy(spec.points, 'x');
    var onFront = {};
    spec.front.forEach(function (p) { onFront[p.experiment] = true; });
    return {
      opts: {
        title: spec.title,
        scales: { x: { time: false, range: function (u, lo, hi) { return padded(lo, hi); } } },
        axes: [{ label: spec.xLabel }, { label: spec.yLabel, size: 70 }],
        series: [
          { label: spec.xLabel },
          pointsOnly('measured', GREY, 8),
          { label: 'Pareto front', stroke: ORANGE, width: 2, spanGaps: true, points: { show: true, size: 9, stroke: ORANGE, fill: ORANGE } },
        ],
      },
      data: [points.map(function (p) { return p.x; }), points.map(function (p) { return p.y; }), points.map(function (p) { return onFront[p.experiment] ? p.y : null; })],
    };
  }

  function propertyMap(spec, container) {
    var points = sortedBy(spec.points, 'x');
    var values = points.map(function (p) { return p.value; });
    var lo = Math.min.apply(null, values);
    var hi = Math.max.apply(null, values);
    var colourOf = function (v) { return viridis(hi > lo ? (v - lo) / (hi - lo) : 0.5); };
    var legend = document.createElement('div');
    legend.className = 'colour-scale';
    legend.innerHTML = '<span>' + fmt(lo) + '</span><span class="bar"></span><span>' + fmt(hi) + '</span> <span>' + spec.valueLabel.replace(/[<&]/g, '') + '</span>';
    container.appendChild(legend);
    return {
      opts: {
        title: spec.title,
        // The colour scale below says what the colours mean; uPlot's legend would only repeat the axes.
        legend: { show: false },
        scales: { x: { time: false, range: function (u, a, b) { return padded(a, b); } }, y: { range: function (u, a, b) { return padded(a, b); } } },
        axes: [{ label: spec.xLabel }, { label: spec.yLabel, size: 70 }],
        series: [{ label: spec.xLabel }, { label: spec.yLabel, stroke: GREY, paths: function () { return null; }, points: { show: false } }],
        hooks: {
          draw: [function (u) {
            var ctx = u.ctx;
            var r = 6 * devicePixelRatio;
            ctx.save();
            ctx.lineWidth = devicePixelRatio;
            ctx.strokeStyle = '#333';
            points.forEach(function (p) {
              ctx.beginPath();
              ctx.fillStyle = colourOf(p.value);
              ctx.arc(u.valToPos(p.x, 'x', true), u.valToPos(p.y, 'y', true), r, 0, 2 * Math.PI);
              ctx.fill();
              ctx.stroke();
            });
            ctx.restore();
          }],
        },
      },
      data: [points.map(function (p) { return p.x; }), points.map(function (p) { return p.y; })],
    };
  }

  function calibration(spec) {
    var points = sortedBy(spec.points, 'measured');
    var all = [];
    points.forEach(function (p) { all.push(p.measured, p.mean - 2 * p.sd, p.mean + 2 * p.sd); });
    // One range for both axes: the parity line y = x must be the diagonal of a square plot.
    var range = padded(Math.min.apply(null, all), Math.max.apply(null, all));
    var fixed = function () { return range; };
    var xs = points.map(function (p) { return p.measured; });
    return {
      opts: {
        title: spec.title,
        height: WIDTH * 0.8,
        width: WIDTH * 0.8 + 40,
        scales: { x: { time: false, range: fixed }, y: { range: fixed } },
        axes: [{ label: 'measured ' + spec.label }, { label: 'predicted (±2 sd)', size: 70 }],
        series: [
          { label: 'measured' },
          pointsOnly('predicted mean', BLUE, 7),
          { label: 'y = x', stroke: GREY, width: 1, dash: [6, 4], points: { show: false } },
        ],
        hooks: {
          draw: [function (u) {
            var ctx = u.ctx;
            var cap = 4 * devicePixelRatio;
            ctx.save();
            // uPlot leaves the dash of the last series drawn (the dashed y = x) on the context.
            ctx.setLineDash([]);
            ctx.strokeStyle = 'rgba(59, 99, 184, 0.55)';
            ctx.lineWidth = 1.5 * devicePixelRatio;
            points.forEach(function (p) {
              var x = u.valToPos(p.measured, 'x', true);
              var top = u.valToPos(p.mean + 2 * p.sd, 'y', true);
              var bottom = u.valToPos(p.mean - 2 * p.sd, 'y', true);
              ctx.beginPath();
              ctx.moveTo(x, top); ctx.lineTo(x, bottom);
              ctx.moveTo(x - cap, top); ctx.lineTo(x + cap, top);
              ctx.moveTo(x - cap, bottom); ctx.lineTo(x + cap, bottom);
              ctx.stroke();
            });
            ctx.restore();
          }],
        },
      },
      // The y = x series spans the whole range so the line reaches both corners.
      data: [[range[0]].concat(xs, [range[1]]), [null].concat(points.map(function (p) { return p.mean; }), [null]), [range[0]].concat(xs, [range[1]])],
    };
  }

  var builders = { convergence: convergence, pareto: pareto, 'property-map': propertyMap, calibration: calibration };

  function drawAll() {
    var specs = JSON.parse(document.getElementById('report-charts').textContent);
    specs.forEach(function (spec) {
      var container = document.getElementById('chart-' + spec.id);
      if (!container) return;
      var chart = builders[spec.kind](spec, container);
      var opts = Object.assign({ width: WIDTH, height: HEIGHT }, chart.opts);
      var holder = document.createElement('div');
      container.insertBefore(holder, container.firstChild);
      // eslint-disable-next-line no-new
      new uPlot(opts, chart.data, holder);
      container.setAttribute('data-rendered', 'true');
    });
    var toggle = document.getElementById('show-overlays');
    if (toggle) {
      toggle.addEventListener('change', function () {
        document.querySelectorAll('img.overlay').forEach(function (img) { img.hidden = !toggle.checked; });
      });
    }
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', drawAll);
  else drawAll();
})();
