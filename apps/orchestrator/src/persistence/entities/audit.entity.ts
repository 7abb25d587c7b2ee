import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { epochMs, json, type JsonRecord } from '../columns';

export type AuditOutcome = 'done' | 'refused' | 'failed';

/** Append-only record of every override: who, when, what, why, and whether it was allowed. */
@Entity('audit_log')
@Index(['atMs'])
export class AuditEntity {
  @PrimaryColumn('varchar', { length: 64 }) id!: string;
  @Column(epochMs()) atMs!: number;
  @Column('varchar', { length: 64 }) actor!: string;
  @Column('varchar', { length: 20 }) role!: string;
  @Column('varchar', { length: 40 }) action!: string;
  @Column('varchar', { length: 64, nullable: true }) target!: string | null;
  @Column('text', { nullable: true }) reason!: string | null;
  @Column(json()) details!: JsonRecord;
  @Column('varchar', { length: 10 }) outcome!: AuditOutcome;
  @Column('text', { nullable: true }) message!: string | null;
}
