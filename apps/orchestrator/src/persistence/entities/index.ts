import { AuditEntity } from './audit.entity';
import { CampaignEntity } from './campaign.entity';
import { CampaignConfigEntity } from './campaign-config.entity';
import { CommandLogEntity } from './command-log.entity';
import { ExperimentEntity } from './experiment.entity';
import { MeasurementEntity } from './measurement.entity';

export { AuditEntity, CampaignConfigEntity, CampaignEntity, CommandLogEntity, ExperimentEntity, MeasurementEntity };
export type { AuditOutcome } from './audit.entity';
export type { CampaignStatus } from './campaign.entity';
export type { ExperimentStatus } from './experiment.entity';
export type { CommandLogStatus } from './command-log.entity';
export type { StoredFile } from './measurement.entity';

export const ENTITIES = [CampaignEntity, CampaignConfigEntity, ExperimentEntity, CommandLogEntity, MeasurementEntity, AuditEntity];
