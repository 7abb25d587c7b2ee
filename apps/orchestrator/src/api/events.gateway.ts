import { Inject } from '@nestjs/common';
import { type OnGatewayConnection, type OnGatewayDisconnect, SubscribeMessage, WebSocketGateway, MessageBody, ConnectedSocket } from '@nestjs/websockets';
import type { Subscription } from 'rxjs';
import type { WebSocket } from 'ws';
import { CampaignsService } from '../campaigns/campaigns.service';
import type { LabEvent } from '../runtime/event-bus';
import { LabRuntime } from '../runtime/lab-runtime';

interface Hello {
  /** The last sequence number this client saw; 0 for a first connection. */
  lastSeq?: number;
}

/**
 * Live events for dashboards at ws://host/ws. A client says `{"event":"hello","data":{"lastSeq":N}}`
 * and receives what it missed (or a snapshot when too far behind), then every new event.
 */
@WebSocketGateway({ path: '/ws' })
export class EventsGateway implements OnGatewayConnection, OnGatewayDisconnect {
  private readonly streams = new Map<WebSocket, Subscription>();

  constructor(
    @Inject(LabRuntime) private readonly runtime: LabRuntime,
    @Inject(CampaignsService) private readonly campaigns: CampaignsService,
  ) {}

  handleConnection(): void {
    // Nothing is sent before the client's hello says where it left off.
  }

  handleDisconnect(client: WebSocket): void {
    this.streams.get(client)?.unsubscribe();
    this.streams.delete(client);
  }

  @SubscribeMessage('hello')
  async hello(@ConnectedSocket() client: WebSocket, @MessageBody() body: Hello | undefined): Promise<void> {
    this.streams.get(client)?.unsubscribe();
    const lastSeq = Number.isInteger(body?.lastSeq) ? (body?.lastSeq as number) : 0;
    const missed = lastSeq > 0 ? this.runtime.events.since(lastSeq) : undefined;
    if (missed) {
      for (const event of missed) send(client, 'lab', event);
    } else {
      send(client, 'snapshot', await this.snapshot());
    }
    this.streams.set(client, this.runtime.events.events$.subscribe((event: LabEvent) => send(client, 'lab', event)));
  }

  private async snapshot(): Promise<Record<string, unknown>> {
    const seq = this.runtime.events.lastSeq;
    const campaigns = await this.campaigns.list();
    const latest = campaigns[0];
    return {
      seq,
      campaigns,
      experiments: latest ? await this.campaigns.experiments(latest.id) : [],
      instruments: [...this.runtime.instruments.values()].map((i) => i.view),
    };
  }
}

function send(client: WebSocket, event: string, data: unknown): void {
  if (client.readyState === client.OPEN) client.send(JSON.stringify({ event, data }));
}
