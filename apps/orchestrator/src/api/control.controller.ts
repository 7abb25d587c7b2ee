import { Body, Controller, Get, HttpCode, Inject, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { type AuthedRequest, Requires } from '../auth/auth.guard';
import { type ControlOutcome, ControlService, type EstopLatch } from '../control/control.service';
import { AuditEntity } from '../persistence/entities';
import { LabRuntime } from '../runtime/lab-runtime';
import { ControlHttp } from './control-http';

/** Overrides over REST (the dashboard uses the websocket; scripts and tests may use this), and the audit log. */
@ApiTags('control')
@ApiBearerAuth()
@Controller('api')
export class ControlController {
  constructor(
    @Inject(ControlHttp) private readonly http: ControlHttp,
    @Inject(ControlService) private readonly control: ControlService,
    @Inject(LabRuntime) private readonly runtime: LabRuntime,
  ) {}

  /** Any override, e.g. `{"type":"pause","campaignId":"..."}`; see docs/control.md for the list. */
  @Post('control')
  @HttpCode(200)
  run(@Body() body: unknown, @Req() request: AuthedRequest): Promise<ControlOutcome> {
    return this.http.run(request, body);
  }

  @Get('control/state')
  state(): { estop: EstopLatch | null; leases: Record<string, string | null> } {
    return {
      estop: this.control.estop,
      leases: Object.fromEntries([...this.runtime.instruments.values()].map((i) => [i.id, i.view.leasedBy])),
    };
  }

  /** The append-only audit log, newest first. */
  @Requires('technician')
  @Get('audit')
  audit(@Query('limit') limit?: string): Promise<AuditEntity[]> {
    const take = Math.min(1000, Math.max(1, Number(limit) || 200));
    return this.runtime.db.getRepository(AuditEntity).find({ order: { atMs: 'DESC' }, take });
  }
}
