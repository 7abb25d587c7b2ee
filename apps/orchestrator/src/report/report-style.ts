/** The report's own styles: print-friendly, readable without any external font or stylesheet. */
export const REPORT_CSS = `
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2328; margin: 0 auto; max-width: 1240px; padding: 16px 24px 48px; }
h1 { font-size: 22px; margin: 8px 0 4px; } h2 { font-size: 18px; border-bottom: 1px solid #d0d7de; padding-bottom: 4px; margin-top: 32px; } h3 { font-size: 15px; margin: 12px 0 6px; }
nav a { margin-right: 12px; color: #0969da; text-decoration: none; }
code { font-size: 12px; background: #f6f8fa; padding: 1px 4px; border-radius: 4px; word-break: break-all; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; } .facts dt { color: #59636e; } .facts dd { margin: 0; }
table { border-collapse: collapse; font-size: 13px; } th, td { border-bottom: 1px solid #e4e7eb; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f6f8fa; position: sticky; top: 0; } .table-wrap { max-height: 720px; overflow: auto; border: 1px solid #e4e7eb; }
.decisions td:nth-child(3) { max-width: 360px; } .params { font-family: ui-monospace, monospace; font-size: 12px; }
.badge { display: inline-block; padding: 0 6px; border-radius: 10px; font-size: 12px; background: #eaeef2; }
.badge.succeeded, .badge.completed { background: #dafbe1; } .badge.failed, .badge.aborted { background: #ffebe9; } .badge.error { background: #fff1c2; }
.charts { display: flex; flex-wrap: wrap; gap: 16px; } .chart { min-height: 40px; }
.calibration { display: flex; flex-wrap: wrap; gap: 24px; align-items: flex-start; margin-bottom: 16px; }
.verdict { font-weight: 600; } .note { color: #59636e; } .best { background: #f6f8fa; border-radius: 8px; padding: 8px 16px; margin-top: 12px; }
.colour-scale { display: flex; gap: 8px; align-items: center; font-size: 12px; margin-left: 70px; }
.colour-scale .bar { width: 160px; height: 10px; background: linear-gradient(90deg, rgb(68,1,84), rgb(59,82,139), rgb(33,145,140), rgb(94,201,98), rgb(253,231,37)); }
.frames { display: flex; flex-wrap: wrap; gap: 16px; } .frame { margin: 0; width: 260px; } .frame figcaption { font-size: 12px; color: #59636e; }
.stack { position: relative; width: 260px; } .stack img { position: absolute; inset: 0; width: 100%; height: 100%; image-rendering: pixelated; } .stack img.overlay { opacity: .5; }
pre { background: #f6f8fa; padding: 8px; overflow: auto; font-size: 12px; }
@media print { .table-wrap { max-height: none; overflow: visible; } nav { display: none; } }
`;
