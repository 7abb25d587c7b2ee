import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeDataFrame } from '@lab/drivers';
import { describe, expect, it } from 'vitest';
import { exportCampaign } from '../../apps/orchestrator/src/export/export-campaign';
import { ExperimentEntity, MeasurementEntity } from '../../apps/orchestrator/src/persistence/entities';
import { campaignText, startTestOrchestrator, testLab } from '../support/lab';

/** An independent HDF5 reader: h5py on the HDF5 C library (Debian: apt-get install python3-h5py). */
const PYTHON = process.env.LAB_TEST_PYTHON ?? '/usr/bin/python3';

/** Reads campaign.nxs with h5py and prints, for every NXdata image, its path, shape, sha256 of its bytes and key attributes. */
const READER = `
import h5py, hashlib, json, sys
out = {}
with h5py.File(sys.argv[1], 'r') as f:
    entry = f[f.attrs['default']]
    out['entry_class'] = entry.attrs['NX_class']
    out['title'] = entry['title'][()].decode()
    def visit(name, obj):
        if isinstance(obj, h5py.Group) and obj.attrs.get('NX_class') == 'NXdata' and obj.attrs.get('kind') == 'image':
            data = obj[obj.attrs['signal']]
            out[name] = {
                'shape': list(data.shape),
                'sha256': hashlib.sha256(data[()].astype(data.dtype.newbyteorder('<')).tobytes()).hexdigest(),
                'x_units': obj['x'].attrs['units'],
                'axes': [str(a) for a in obj.attrs['axes']],
                'model_sha256': obj.attrs.get('model_sha256'),
                'cmd_id': obj.attrs['cmd_id'],
            }
    entry.visititems(visit)
print(json.dumps(out))
`;

describe('campaign.nxs read by h5py', () => {
  it('holds every HAADF frame bit for bit, with NeXus attributes h5py sees', async () => {
    const { lab, dir, cleanup } = testLab();
    const orchestrator = await startTestOrchestrator(lab);
    try {
      const text = campaignText('config/campaigns/synthesis-stem.yaml', (t) => t.replace('experiments: 24', 'experiments: 3').replace('kind: gp-ei', 'kind: gp-ei\n  options: { initialDesign: 2 }'));
      const row = await orchestrator.campaigns.create({ file: 'synthesis-stem.yaml', text, seed: 4 });
      expect((await (await orchestrator.campaigns.start(row.id)).done).status).toBe('completed');
      const db = orchestrator.runtime.db;
      const bundle = join(dir, 'bundle');
      await exportCampaign(db, orchestrator.runtime.blobs.root, row.id, bundle);
      const seen = JSON.parse(execFileSync(PYTHON, ['-c', READER, join(bundle, 'campaign.nxs')], { encoding: 'utf8' })) as Record<string, Record<string, unknown>> & { entry_class: string; title: string };
      expect(seen.entry_class).toBe('NXentry');
      expect(seen.title).toBe('synthesis-stem');
      const experiments = await db.getRepository(ExperimentEntity).findBy({ campaignId: row.id });
      const images = await db.getRepository(MeasurementEntity).findBy({ campaignId: row.id, stepId: 'image' });
      expect(images.length).toBeGreaterThan(0);
      for (const image of images) {
        const index = experiments.find((e) => e.id === image.experimentId)?.index as number;
        const stored = image.files[0];
        const frame = decodeDataFrame(readFileSync(join(orchestrator.runtime.blobs.root, stored.path)));
        const bytes = Buffer.from(frame.values.buffer, frame.values.byteOffset, frame.values.byteLength);
        expect(seen[`experiment_${String(index).padStart(4, '0')}/image/${stored.channel}`]).toEqual({
          shape: frame.header.shape,
          sha256: createHash('sha256').update(bytes).digest('hex'),
          x_units: 'nm',
          axes: ['y', 'x'],
          model_sha256: (stored.analysis?.model as { sha256: string }).sha256,
          cmd_id: image.cmdId,
        });
      }
    } finally {
      await orchestrator.close();
      cleanup();
    }
  });
});
