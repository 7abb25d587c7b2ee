import { Controller, Get, Inject } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/auth.guard';
import { LabRuntime } from '../runtime/lab-runtime';

/** Open to anyone (monitoring, the fresh-clone check): it says whether the lab is up, nothing more. */
@ApiTags('health')
@Public()
@Controller('api/health')
export class HealthController {
  constructor(@Inject(LabRuntime) private readonly runtime: LabRuntime) {}

  @Get()
  async health(): Promise<Record<string, unknown>> {
    const database = await this.runtime.db.query('SELECT 1 AS ok').then(() => 'ok', (e: Error) => e.message);
    const instruments = [...this.runtime.instruments.values()].map((i) => ({ id: i.id, state: i.view.state }));
    return {
      status: database === 'ok' && this.runtime.bus.state$.value === 'connected' ? 'ok' : 'degraded',
      lab: this.runtime.lab.name,
      database: database === 'ok' ? 'ok' : 'unavailable',
      broker: this.runtime.bus.state$.value,
      simulated: this.runtime.simulating,
      instruments,
    };
  }
}
