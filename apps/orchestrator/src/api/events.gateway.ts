import { Inject } from '@nestjs/common';
import { ConnectedSocket, MessageBody, type OnGatewayDisconnect, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { map, type Observable, share, type Subscription } from 'rxjs';
import type { WebSocket } from 'ws';
import { AuthService } from '../auth/auth.service';
import type { Principal } from '../auth/roles';
import { CampaignsService } from '../campaigns/campaigns.service';
import { ControlService } from '../control/control.service';
import type { LabEvent } from '../runtime/event-bus';
import { LabRuntime } from '../runtime/lab-runtime';

interface Hello {
  token?: string;
  /** The last sequence number this client saw; 0 for a first connection. */
  lastSeq?: number;
}

interface ControlRequest {
  requestId?: string | number;
  command?: unknown;
}

/** Close code for a socket that did not sign in (4000-4999 are the application's). */
const UNAUTHENTICATED = 4401;

/**
 * Live events and overrides for dashboards at ws://host/ws. A client first says
 * `{"event":"hello","data":{"token":"...","lastSeq":N}}`: it then receives what it missed (or a
 * snapshot when too far behind) and every new event. Overrides go as
 * `{"event":"control","data":{"requestId":1,"command":{"type":"pause","campaignId":"..."}}}` and
 * are answered with a `controlResult`. A socket that has not signed in receives nothing.
 */
@WebSocketGateway({ path: '/ws' })
export class EventsGateway implements OnGatewayDisconnect {
  private readonly streams = new Map<WebSocket, Subscription>();
  /** Each event serialized once, however many dashboards listen. */
  private readonly serialized$: Observable<string>;
  private readonly principals = new Map<WebSocket, Principal>();

  constructor(
    @Inject(LabRuntime) private readonly runtime: LabRuntime,
    @Inject(CampaignsService) private readonly campaigns: CampaignsService,
    @Inject(ControlService) private readonly control: ControlService,
    @Inject(AuthService) private readonly auth: AuthService,
  ) {
    this.serialized$ = runtime.events.events$.pipe(
      map((event: LabEvent) => JSON.stringify({ event: 'lab', data: event })),
      share(),
    );
  }

  handleDisconnect(client: WebSocket): void {
    this.streams.get(client)?.unsubscribe();
    this.streams.delete(client);
    this.principals.delete(client);
  }

  @SubscribeMessage('hello')
  async hello(@ConnectedSocket() client: WebSocket, @MessageBody() body: Hello | undefined): Promise<void> {
    const principal = this.auth.verify(typeof body?.token === 'string' ? body.token : undefined);
    if (!principal) {
      send(client, 'error', { message: 'sign in first: hello needs a valid token' });
      client.close(UNAUTHENTICATED, 'unauthenticated');
      return;
    }
    this.principals.set(client, principal);
    this.streams.get(client)?.unsubscribe();
    const lastSeq = Number.isInteger(body?.lastSeq) ? (body?.lastSeq as number) : 0;
    const missed = lastSeq > 0 ? this.runtime.events.since(lastSeq) : undefined;
    if (missed) {
      for (const event of missed) send(client, 'lab', event);
    } else {
      send(client, 'snapshot', await this.snapshot(principal));
    }
    this.streams.set(
      client,
      this.serialized$.subscribe((text) => {
        if (client.readyState === client.OPEN) client.send(text);
      }),
    );
  }

  @SubscribeMessage('control')
  async handleControl(@ConnectedSocket() client: WebSocket, @MessageBody() body: ControlRequest | undefined): Promise<void> {
    const requestId = body?.requestId ?? null;
    const principal = this.principals.get(client);
    if (!principal) {
      send(client, 'controlResult', { requestId, ok: false, error: 'sign in first' });
      return;
    }
    try {
      const outcome = await this.control.execute(principal, body?.command);
      send(client, 'controlResult', { requestId, ...outcome });
    } catch (error) {
      send(client, 'controlResult', { requestId, ok: false, error: (error as Error).message, kind: (error as Error).name });
    }
  }

  private async snapshot(principal: Principal): Promise<Record<string, unknown>> {
    const seq = this.runtime.events.lastSeq;
    const campaigns = await this.campaigns.list();
    const latest = campaigns[0];
    return {
      seq,
      user: principal,
      campaigns,
      experiments: latest ? await this.campaigns.experiments(latest.id) : [],
      instruments: [...this.runtime.instruments.values()].map((i) => i.view),
      estop: this.control.estop,
      awaitingApproval: this.campaigns.runners().flatMap((r) => r.approvals.pending.map((experimentId) => ({ campaignId: r.id, experimentId }))),
    };
  }
}

function send(client: WebSocket, event: string, data: unknown): void {
  if (client.readyState === client.OPEN) client.send(JSON.stringify({ event, data }));
}
