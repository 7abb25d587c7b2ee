import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { epochMs, json, type JsonRecord } from '../columns';

export type CommandLogStatus = 'queued' | 'accepted' | 'rejected' | 'succeeded' | 'failed' | 'cancelled' | 'timeout' | 'unknown';

/**
 * One row per command, written BEFORE the command is sent: `queued` until its ack arrives (a
 * prepared command waits there for its instrument, and may already be on its way); the ack and the
 * result are filled in as they arrive. The idempotency key lets an instrument refuse to run a
 * command twice.
 */
@Entity('command_log')
@Index(['experimentId'])
export class CommandLogEntity {
  @PrimaryColumn('varchar', { length: 64 }) cmdId!: string;
  @Column('varchar', { length: 200, unique: true }) idempotencyKey!: string;
  @Column('varchar', { length: 64, nullable: true }) campaignId!: string | null;
  @Column('varchar', { length: 64, nullable: true }) experimentId!: string | null;
  @Column('varchar', { length: 64, nullable: true }) stepId!: string | null;
  @Column('varchar', { length: 64 }) instrumentId!: string;
  @Column('varchar', { length: 64 }) action!: string;
  @Column(json()) params!: JsonRecord;
  @Column('varchar', { length: 100 }) issuedBy!: string;
  @Column(epochMs()) issuedAtMs!: number;
  @Column(epochMs()) deadlineMs!: number;
  @Column('double precision') expectedDurationS!: number;
  @Column('varchar', { length: 20 }) status!: CommandLogStatus;
  @Column(epochMs({ nullable: true })) ackAtMs!: number | null;
  @Column(epochMs({ nullable: true })) resultAtMs!: number | null;
  @Column(json({ nullable: true })) outputs!: JsonRecord | null;
  @Column(json({ nullable: true })) error!: { code: string; message: string } | null;
}
