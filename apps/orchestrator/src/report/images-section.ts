import { escapeHtml } from './html';
import type { ReportImage } from './report-images';

/** Frames with their segmentation overlays stacked on top (a checkbox hides the overlays). */
export function imagesSection(images: readonly ReportImage[], missing: number): string {
  if (images.length === 0 && missing === 0) return '';
  const figures = images
    .map(
      (image) => `<figure class="frame"><div class="stack" style="aspect-ratio:${image.widthPx}/${image.heightPx}">
<img alt="experiment ${image.experiment} ${escapeHtml(image.stepId)}" src="${image.frameDataUri}">${image.overlayDataUri ? `<img class="overlay" alt="segmentation overlay" src="${image.overlayDataUri}">` : ''}
</div><figcaption><strong>experiment ${image.experiment}</strong> · ${escapeHtml(image.caption)}</figcaption></figure>`,
    )
    .join('\n');
  const note = missing ? `<p class="note">${missing} image file(s) referenced by the database were not found in the data directory.</p>` : '';
  return `<section id="images"><h2>Images</h2><label><input type="checkbox" id="show-overlays" checked> segmentation overlays</label><div class="frames">${figures}</div>${note}</section>`;
}
