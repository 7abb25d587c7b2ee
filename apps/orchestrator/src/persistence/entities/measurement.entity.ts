import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { epochMs, json, type JsonRecord } from '../columns';

/** A raw data frame on disk, named by the sha256 of its bytes. */
export interface StoredFile {
  dataId: string;
  sha256: string;
  path: string;
  kind: 'image' | 'spectrum';
  shape: [number, number];
  channel?: string;
  rows?: string[];
  /** How the image became numbers: model (name, sha256) or classical method, preprocessing, latency. */
  analysis?: JsonRecord;
}

/** What one workflow step measured: scalar features and references to the raw data files. */
@Entity('measurement')
@Index(['experimentId'])
export class MeasurementEntity {
  @PrimaryColumn('varchar', { length: 64 }) id!: string;
  @Column('varchar', { length: 64 }) campaignId!: string;
  @Column('varchar', { length: 64 }) experimentId!: string;
  @Column('varchar', { length: 64 }) stepId!: string;
  @Column('varchar', { length: 64 }) instrumentId!: string;
  @Column('varchar', { length: 64 }) cmdId!: string;
  @Column(json()) outputs!: JsonRecord;
  @Column(json()) features!: Record<string, number>;
  @Column(json()) files!: StoredFile[];
  @Column(epochMs()) createdAtMs!: number;
}
