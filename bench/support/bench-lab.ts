import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LabConfig, type Loaded, loadLab } from '@lab/config';
import { packageRoot } from '../../apps/orchestrator/src/package-root';

export interface BenchLab {
  lab: Loaded<LabConfig>;
  root: string;
  /** A throw-away directory holding the database (`lab.sqlite`) and the data directory. */
  dir: string;
  dbFile: string;
}

/**
 * The shipped lab for a benchmark: a free broker port, a throw-away SQLite file and data
 * directory, the given twin clock and hidden physics. Nobody watches a benchmark, so the twins'
 * random tip changes (which wait for a technician) are off.
 */
export function benchLab(name: string, simulation: { timeScale: number; seed?: number; enabled?: boolean; world?: Record<string, unknown> }): BenchLab {
  const root = packageRoot();
  const dir = mkdtempSync(join(tmpdir(), `lab-${name}-`));
  const dbFile = join(dir, 'lab.sqlite');
  const lab = loadLab(join(root, 'config/lab.yaml'));
  lab.config.broker.embeddedPort = 0;
  lab.config.database.url = `sqlite:${dbFile}`;
  lab.config.dataDir = join(dir, 'data');
  const world = simulation.world ?? {};
  lab.config.simulation = {
    ...lab.config.simulation,
    timeScale: simulation.timeScale,
    seed: simulation.seed ?? lab.config.simulation.seed,
    enabled: simulation.enabled ?? lab.config.simulation.enabled,
    world: { ...world, spm: { ...(world.spm as object | undefined), tipChangeProbability: 0 } },
  };
  return { lab, root, dir, dbFile };
}
