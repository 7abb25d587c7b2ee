import { type DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { BlobsController } from './api/blobs.controller';
import { CampaignsController } from './api/campaigns.controller';
import { ControlHttp } from './api/control-http';
import { ControlController } from './api/control.controller';
import { EventsGateway } from './api/events.gateway';
import { HealthController } from './api/health.controller';
import { InstrumentsController } from './api/instruments.controller';
import { AuthController } from './auth/auth.controller';
import { AuthGuard } from './auth/auth.guard';
import { AuthService } from './auth/auth.service';
import { CampaignsService } from './campaigns/campaigns.service';
import { ControlService } from './control/control.service';
import { LabRuntime } from './runtime/lab-runtime';

/** The composition root: the started lab runtime, campaigns, control and auth; with http also the API and live events. */
@Module({})
export class AppModule {
  static forRoot(runtime: LabRuntime, options: { http: boolean }): DynamicModule {
    const { auth } = runtime.lab;
    const authService = new AuthService({
      users: [...auth.users, ...((runtime.options.extraUsers ?? []) as typeof auth.users)],
      tokenTtlH: auth.tokenTtlH,
      loginAttemptsPerMinute: auth.loginAttemptsPerMinute,
      secret: runtime.options.authSecret,
    });
    const web = options.http
      ? {
          providers: [EventsGateway, ControlHttp, { provide: APP_GUARD, useClass: AuthGuard }],
          controllers: [HealthController, AuthController, CampaignsController, InstrumentsController, ControlController, BlobsController],
        }
      : { providers: [], controllers: [] };
    return {
      module: AppModule,
      providers: [{ provide: LabRuntime, useValue: runtime }, { provide: AuthService, useValue: authService }, CampaignsService, ControlService, ...web.providers],
      controllers: web.controllers,
      exports: [CampaignsService, ControlService, AuthService],
    };
  }
}
