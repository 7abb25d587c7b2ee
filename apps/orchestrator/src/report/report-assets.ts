import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../package-root';

/** The scripts and styles the report carries inside itself, read from disk when it is written. */
export interface ReportAssets {
  uplotJs: string;
  uplotCss: string;
  clientJs: string;
}

/**
 * uPlot from node_modules: the browser build when it is there; otherwise the CommonJS build,
 * wrapped to define the same global, so a partial install still yields a working report.
 */
export function readReportAssets(root = packageRoot()): ReportAssets {
  const dist = join(root, 'node_modules', 'uplot', 'dist');
  const iife = join(dist, 'uPlot.iife.min.js');
  const uplotJs = existsSync(iife)
    ? readFileSync(iife, 'utf8')
    : `var uPlot = (function () { var module = { exports: {} }, exports = module.exports;\n${readFileSync(join(dist, 'uPlot.cjs.js'), 'utf8')}\nreturn module.exports; })();`;
  return {
    uplotJs,
    uplotCss: readFileSync(join(dist, 'uPlot.min.css'), 'utf8'),
    // Plain browser JavaScript kept as a file (not compiled by tsc), so it is read from the source tree.
    clientJs: readFileSync(join(root, 'apps', 'orchestrator', 'src', 'report', 'client', 'report-charts.js'), 'utf8'),
  };
}

/** Text inside <script> or <style>: a closing tag in it would end the element early. */
export const inlineSafe = (code: string, tag: 'script' | 'style'): string => code.replace(new RegExp(`</${tag}`, 'gi'), `<\\/${tag}`);
