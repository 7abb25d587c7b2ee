import { type DynamicModule, Module } from '@nestjs/common';
import { CampaignsController } from './api/campaigns.controller';
import { EventsGateway } from './api/events.gateway';
import { HealthController } from './api/health.controller';
import { InstrumentsController } from './api/instruments.controller';
import { CampaignsService } from './campaigns/campaigns.service';
import { LabRuntime } from './runtime/lab-runtime';

/** The composition root: the started lab runtime, the campaign service, and (with http) the API and live events. */
@Module({})
export class AppModule {
  static forRoot(runtime: LabRuntime, options: { http: boolean }): DynamicModule {
    return {
      module: AppModule,
      providers: [{ provide: LabRuntime, useValue: runtime }, CampaignsService, ...(options.http ? [EventsGateway] : [])],
      controllers: options.http ? [HealthController, CampaignsController, InstrumentsController] : [],
      exports: [CampaignsService],
    };
  }
}
