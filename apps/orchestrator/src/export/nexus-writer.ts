import type { DataFrame } from '@lab/drivers';
import type { Group } from 'h5wasm';
import type { MeasurementEntity, StoredFile } from '../persistence/entities';
import type { CampaignRecord, ExperimentRecord } from './bundle-format';
import { loadH5wasm } from './h5wasm-loader';
import { writeNxData } from './nxdata';

export interface NexusInput {
  campaign: CampaignRecord;
  configVersions: { version: number; text: string; sha256: string; author: string; reason: string | null; createdAtMs: number }[];
  /** Parameter units from the campaign file (`unit:`), by parameter name. */
  parameterUnits: Record<string, string>;
  /** Objective names in config order (the first is the one the convergence plot shows). */
  objectives: string[];
  setup: MeasurementEntity[];
  experiments: ExperimentRecord[];
  /** The frame behind a stored file, read from the blob store (checked against its sha256). */
  frameOf: (file: StoredFile) => Promise<DataFrame>;
  creator: string;
}

const iso = (ms: number | null): string => (ms === null ? '' : new Date(ms).toISOString());

/**
 * campaign.nxs: NeXus over HDF5. One NXentry for the campaign (its config versions as NXnote, the
 * planner, a convergence NXdata as the default plot), and one NXsubentry per experiment (and one
 * for the setup) holding its parameters, prediction, objectives, sample, and an NXdata per frame
 * each workflow step recorded, under a group named after the step. Layout: docs/export.md.
 */
export async function writeCampaignNexus(path: string, input: NexusInput): Promise<void> {
  const h5 = await loadH5wasm();
  const file = new h5.File(path, 'w');
  try {
    file.create_attribute('NX_class', 'NXroot');
    file.create_attribute('file_name', 'campaign.nxs');
    file.create_attribute('file_time', new Date().toISOString());
    file.create_attribute('creator', input.creator);
    file.create_attribute('default', 'campaign');

    const { campaign } = input;
    const entry = file.create_group('campaign');
    entry.create_attribute('NX_class', 'NXentry');
    entry.create_attribute('default', 'convergence');
    text(entry, 'title', campaign.name);
    text(entry, 'entry_identifier', campaign.id);
    text(entry, 'experiment_description', `self-driving lab campaign '${campaign.name}' (${campaign.configFile}), status ${campaign.status}`);
    text(entry, 'start_time', iso(campaign.startedAtMs ?? campaign.createdAtMs));
    text(entry, 'end_time', iso(campaign.finishedAtMs));
    text(entry, 'program_name', input.creator);
    entry.create_attribute('status', campaign.status);
    entry.create_attribute('lab_sha256', campaign.labSha256);

    const planner = entry.create_group('planner');
    planner.create_attribute('NX_class', 'NXcollection');
    text(planner, 'kind', campaign.plannerKind);
    text(planner, 'version', campaign.plannerVersion);
    planner.create_dataset({ name: 'seed', data: campaign.seed, dtype: '<i8' });

    for (const version of input.configVersions) {
      const note = entry.create_group(`config_v${version.version}`);
      note.create_attribute('NX_class', 'NXnote');
      text(note, 'type', 'application/yaml');
      text(note, 'data', version.text);
      text(note, 'author', version.author);
      text(note, 'date', iso(version.createdAtMs));
      text(note, 'description', version.reason ?? (version.version === 1 ? 'the campaign file as created' : ''));
      note.create_attribute('sha256', version.sha256);
    }

    writeConvergence(entry, input);
    if (input.setup.length > 0) {
      const setup = subentry(entry, 'setup', `setup steps of ${campaign.name}`);
      await writeMeasurements(setup, input.setup, `${campaign.id.slice(0, 8)}-setup`, input.frameOf);
    }
    for (const experiment of input.experiments) await writeExperiment(entry, experiment, input);
  } finally {
    file.close();
  }
}

function text(group: Group, name: string, value: string): void {
  group.create_dataset({ name, data: value });
}

function subentry(entry: Group, name: string, title: string): Group {
  const group = entry.create_group(name);
  group.create_attribute('NX_class', 'NXsubentry');
  text(group, 'title', title);
  return group;
}

/** The campaign at a glance: the first objective by experiment index (NaN where there is none). */
function writeConvergence(entry: Group, input: NexusInput): void {
  const objective = input.objectives[0];
  const group = entry.create_group('convergence');
  group.create_attribute('NX_class', 'NXdata');
  group.create_dataset({ name: 'index', data: Float64Array.from(input.experiments, (e) => e.index) });
  const values = Float64Array.from(input.experiments, (e) => e.objectives?.[objective] ?? Number.NaN);
  group.create_dataset({ name: objective, data: values }).create_attribute('long_name', `${objective} (measured)`);
  group.create_attribute('signal', objective);
  group.create_attribute('axes', 'index');
}

async function writeExperiment(entry: Group, experiment: ExperimentRecord, input: NexusInput): Promise<void> {
  const group = subentry(entry, `experiment_${String(experiment.index).padStart(4, '0')}`, `experiment ${experiment.index}`);
  text(group, 'entry_identifier', experiment.id);
  group.create_attribute('index', experiment.index, null, '<i4');
  group.create_attribute('status', experiment.status);
  group.create_attribute('proposed_by', experiment.proposedBy);
  if (experiment.approvedBy) group.create_attribute('approved_by', experiment.approvedBy);
  if (experiment.excludedReason) group.create_attribute('excluded_reason', experiment.excludedReason);
  if (experiment.failureReason) group.create_attribute('failure_reason', experiment.failureReason);
  text(group, 'start_time', iso(experiment.startedAtMs ?? experiment.proposedAtMs));
  text(group, 'end_time', iso(experiment.finishedAtMs));

  const sample = group.create_group('sample');
  sample.create_attribute('NX_class', 'NXsample');
  text(sample, 'name', experiment.sampleId);

  const parameters = group.create_group('parameters');
  parameters.create_attribute('NX_class', 'NXparameters');
  for (const [name, value] of Object.entries(experiment.params)) {
    const dataset = parameters.create_dataset({ name, data: value });
    const units = input.parameterUnits[name];
    if (units) dataset.create_attribute('units', units);
  }

  const predicted = group.create_group('predicted');
  predicted.create_attribute('NX_class', 'NXcollection');
  for (const [name, { mean, sd }] of Object.entries(experiment.predicted)) {
    predicted.create_dataset({ name: `${name}_mean`, data: mean });
    predicted.create_dataset({ name: `${name}_sd`, data: sd });
  }
  if (experiment.acquisition !== null) predicted.create_dataset({ name: 'acquisition', data: experiment.acquisition });
  text(predicted, 'explanation', JSON.stringify(experiment.explanation));

  const objectives = group.create_group('objectives');
  objectives.create_attribute('NX_class', 'NXcollection');
  for (const [name, value] of Object.entries(experiment.objectives ?? {})) objectives.create_dataset({ name, data: value });

  await writeMeasurements(group, experiment.measurements, experiment.sampleId, input.frameOf);
}

/** A group per workflow step (NXcollection) with an NXdata per recorded frame. */
async function writeMeasurements(parent: Group, measurements: MeasurementEntity[], sampleId: string, frameOf: NexusInput['frameOf']): Promise<void> {
  for (const measurement of measurements) {
    const step = parent.create_group(measurement.stepId);
    step.create_attribute('NX_class', 'NXcollection');
    step.create_attribute('instrument', measurement.instrumentId);
    step.create_attribute('cmd_id', measurement.cmdId);
    step.create_attribute('measurement_id', measurement.id);
    text(step, 'outputs', JSON.stringify(measurement.outputs));
    text(step, 'features', JSON.stringify(measurement.features));
    const names = new Set<string>();
    for (const [i, stored] of measurement.files.entries()) {
      const frame = await frameOf(stored);
      let name = stored.channel ?? `${stored.kind}_${i}`;
      if (names.has(name)) name = `${name}_${i}`;
      names.add(name);
      const model = stored.analysis?.model as { name?: string; sha256?: string } | undefined;
      writeNxData(step, name, frame, {
        instrument: measurement.instrumentId,
        sample_id: sampleId,
        step: measurement.stepId,
        sha256: stored.sha256,
        ...(model?.name ? { model_name: model.name } : {}),
        ...(model?.sha256 ? { model_sha256: model.sha256 } : {}),
        ...(stored.analysis ? { analysis: JSON.stringify(stored.analysis) } : {}),
      });
    }
  }
}
