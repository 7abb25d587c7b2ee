import { Column, Entity, PrimaryColumn } from 'typeorm';
import { epochMs } from '../columns';

export type CampaignStatus = 'created' | 'running' | 'paused' | 'awaiting_approval' | 'completed' | 'stopped' | 'aborted' | 'failed' | 'interrupted';

/** A campaign pins the exact config text it runs (and its hash), so its decisions can be replayed. */
@Entity('campaign')
export class CampaignEntity {
  @PrimaryColumn('varchar', { length: 64 }) id!: string;
  @Column('varchar', { length: 200 }) name!: string;
  @Column('varchar', { length: 20 }) status!: CampaignStatus;
  @Column('text') configText!: string;
  @Column('varchar', { length: 64 }) configSha256!: string;
  @Column('varchar', { length: 500 }) configFile!: string;
  @Column('varchar', { length: 64 }) labSha256!: string;
  @Column('integer') seed!: number;
  @Column('varchar', { length: 40 }) plannerKind!: string;
  @Column('varchar', { length: 40 }) plannerVersion!: string;
  @Column(epochMs()) createdAtMs!: number;
  @Column(epochMs({ nullable: true })) startedAtMs!: number | null;
  @Column(epochMs({ nullable: true })) finishedAtMs!: number | null;
  @Column('text', { nullable: true }) statusReason!: string | null;
}
