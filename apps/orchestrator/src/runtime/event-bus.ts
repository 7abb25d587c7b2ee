import { Subject, type Observable } from 'rxjs';

export type LabEventType =
  | 'campaign.status'
  | 'experiment.proposed'
  | 'approval.requested'
  | 'control'
  | 'experiment.started'
  | 'experiment.step'
  | 'experiment.finished'
  | 'command.progress'
  | 'instrument.status'
  | 'alert';

export interface LabEvent {
  seq: number;
  tsMs: number;
  type: LabEventType;
  campaignId?: string;
  data: Record<string, unknown>;
}

/**
 * Every event the dashboards see, numbered so a client that reconnects can ask for what it missed.
 * Keeps the last `capacity` events; a client further behind gets a fresh snapshot instead.
 */
export class EventBus {
  private readonly subject = new Subject<LabEvent>();
  private readonly ring: LabEvent[] = [];
  private seq = 0;

  constructor(private readonly capacity = 10_000) {}

  get events$(): Observable<LabEvent> {
    return this.subject.asObservable();
  }

  get lastSeq(): number {
    return this.seq;
  }

  publish(type: LabEventType, data: Record<string, unknown>, campaignId?: string): LabEvent {
    const event: LabEvent = { seq: ++this.seq, tsMs: Date.now(), type, campaignId, data };
    this.ring.push(event);
    if (this.ring.length > this.capacity) this.ring.shift();
    this.subject.next(event);
    return event;
  }

  /** Events after `seq`, or undefined when some of them are no longer kept. */
  since(seq: number): LabEvent[] | undefined {
    if (seq >= this.seq) return [];
    const oldest = this.ring[0]?.seq ?? this.seq + 1;
    if (seq + 1 < oldest) return undefined;
    return this.ring.slice(seq + 1 - oldest);
  }

  complete(): void {
    this.subject.complete();
  }
}
