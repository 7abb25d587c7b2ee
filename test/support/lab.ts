import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LabConfig, type Loaded, loadLab } from '@lab/config';
import { type Orchestrator, startOrchestrator } from '../../apps/orchestrator/src/bootstrap';

export const ROOT = join(__dirname, '..', '..');

/** The shipped lab, on a free broker port, a fast twin clock and a throw-away SQLite file. */
export function testLab(overrides: { timeScale?: number; seed?: number } = {}): { lab: Loaded<LabConfig>; dir: string; cleanup: () => void } {
  const loaded = loadLab(join(ROOT, 'config/lab.yaml'));
  const dir = mkdtempSync(join(tmpdir(), 'lab-test-'));
  const config: LabConfig = {
    ...loaded.config,
    broker: { ...loaded.config.broker, embeddedPort: 0, clientId: `orchestrator-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}` },
    database: { url: `sqlite:${join(dir, 'lab.sqlite')}` },
    dataDir: join(dir, 'data'),
    simulation: { ...loaded.config.simulation, timeScale: overrides.timeScale ?? 0.00002, seed: overrides.seed ?? loaded.config.simulation.seed },
  };
  return { lab: { ...loaded, config }, dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export const campaignText = (file: string, edit: (text: string) => string = (t) => t): string => edit(readFileSync(join(ROOT, file), 'utf8'));

export async function startTestOrchestrator(lab: Loaded<LabConfig>, options: { http?: boolean; seed?: number } = {}): Promise<Orchestrator> {
  return startOrchestrator({ lab, baseDir: ROOT, http: options.http ?? false, port: 0, simulationSeed: options.seed });
}
