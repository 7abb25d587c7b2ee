import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { epochMs, json, type JsonRecord } from '../columns';

/** failed: the sample failed (data for the planner); error: the experiment could not be carried out. */
export type ExperimentStatus = 'proposed' | 'approved' | 'rejected' | 'running' | 'succeeded' | 'failed' | 'error' | 'aborted' | 'unknown';

/** One experiment: the proposal (with what the model predicted and why), its run, its result. */
@Entity('experiment')
@Index(['campaignId', 'index'], { unique: true })
export class ExperimentEntity {
  @PrimaryColumn('varchar', { length: 64 }) id!: string;
  @Column('varchar', { length: 64 }) campaignId!: string;
  @Column('integer') index!: number;
  @Column('varchar', { length: 20 }) status!: ExperimentStatus;
  @Column('varchar', { length: 100 }) sampleId!: string;
  @Column('varchar', { length: 100 }) proposedBy!: string;
  @Column(json()) params!: Record<string, number | string>;
  @Column(json()) predicted!: Record<string, { mean: number; sd: number }>;
  @Column('double precision', { nullable: true }) acquisition!: number | null;
  @Column(json()) explanation!: JsonRecord;
  @Column(json({ nullable: true })) objectives!: Record<string, number> | null;
  @Column('text', { nullable: true }) failureReason!: string | null;
  @Column('varchar', { length: 100, nullable: true }) approvedBy!: string | null;
  /** Set when a person excluded the result from the model; the row and its data stay. */
  @Column('text', { nullable: true }) excludedReason!: string | null;
  @Column(epochMs()) proposedAtMs!: number;
  @Column(epochMs({ nullable: true })) startedAtMs!: number | null;
  @Column(epochMs({ nullable: true })) finishedAtMs!: number | null;
}
