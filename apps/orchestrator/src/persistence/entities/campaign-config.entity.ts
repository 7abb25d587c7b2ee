import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { epochMs } from '../columns';

/** Every version of a campaign's config: a running campaign may change bounds or objectives and keep its data. */
@Entity('campaign_config')
@Index(['campaignId', 'version'], { unique: true })
export class CampaignConfigEntity {
  @PrimaryColumn('varchar', { length: 64 }) id!: string;
  @Column('varchar', { length: 64 }) campaignId!: string;
  @Column('integer') version!: number;
  @Column('text') text!: string;
  @Column('varchar', { length: 64 }) sha256!: string;
  @Column('varchar', { length: 64 }) author!: string;
  @Column('text', { nullable: true }) reason!: string | null;
  @Column(epochMs()) createdAtMs!: number;
}
