import { CampaignEntity } from './campaign.entity';
import { CommandLogEntity } from './command-log.entity';
import { ExperimentEntity } from './experiment.entity';
import { MeasurementEntity } from './measurement.entity';

export { CampaignEntity, CommandLogEntity, ExperimentEntity, MeasurementEntity };
export type { CampaignStatus } from './campaign.entity';
export type { ExperimentStatus } from './experiment.entity';
export type { CommandLogStatus } from './command-log.entity';
export type { StoredFile } from './measurement.entity';

export const ENTITIES = [CampaignEntity, ExperimentEntity, CommandLogEntity, MeasurementEntity];
