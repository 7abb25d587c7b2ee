import 'reflect-metadata';
import { join } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { WsAdapter } from '@nestjs/platform-ws';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppModule } from './app.module';
import { AuthService } from './auth/auth.service';
import { CampaignsService } from './campaigns/campaigns.service';
import { ControlService } from './control/control.service';
import { packageRoot } from './package-root';
import { LabRuntime, type RuntimeOptions } from './runtime/lab-runtime';

export interface OrchestratorOptions extends RuntimeOptions {
  /** Serve the REST API, the websocket events and the dashboard. */
  http: boolean;
  host?: string;
  port?: number;
}

/** A running orchestrator: the lab runtime plus the Nest application on top of it. */
export interface Orchestrator {
  runtime: LabRuntime;
  campaigns: CampaignsService;
  control: ControlService;
  auth: AuthService;
  /** The dashboard's address when serving http. */
  url?: string;
  /** With no users configured: a link that signs the first visitor in as admin, once. */
  loginUrl?: string;
  close(): Promise<void>;
}

export async function startOrchestrator(options: OrchestratorOptions): Promise<Orchestrator> {
  const runtime = await LabRuntime.start(options);
  let app: INestApplicationContext;
  let url: string | undefined;
  try {
    const module = AppModule.forRoot(runtime, { http: options.http });
    const logger = ['error', 'warn'] as ('error' | 'warn')[];
    if (options.http) {
      const web = await NestFactory.create<NestExpressApplication>(module, { logger });
      web.useWebSocketAdapter(new WsAdapter(web));
      const root = packageRoot();
      web.useStaticAssets(join(root, 'apps', 'dashboard'));
      web.useStaticAssets(join(root, 'node_modules', 'uplot', 'dist'), { prefix: '/vendor/uplot' });
      const document = SwaggerModule.createDocument(
        web,
        new DocumentBuilder().setTitle('Self-driving lab orchestrator').setDescription('Campaigns, experiments and instruments').setVersion('1').build(),
      );
      SwaggerModule.setup('api/docs', web, document);
      const host = options.host ?? runtime.lab.server.host;
      const port = options.port ?? runtime.lab.server.port;
      await web.listen(port, host);
      const address = web.getHttpServer().address() as { port: number };
      url = `http://${host === '0.0.0.0' ? 'localhost' : host}:${address.port}`;
      app = web;
    } else {
      app = await NestFactory.createApplicationContext(module, { logger });
    }
    await app.init();
  } catch (error) {
    await runtime.stop();
    throw error;
  }
  let closing: Promise<void> | undefined;
  const auth = app.get(AuthService);
  const code = auth.pendingOneTimeCode;
  return {
    runtime,
    campaigns: app.get(CampaignsService),
    control: app.get(ControlService),
    auth,
    url,
    loginUrl: url && code ? `${url}/?login=${code}` : undefined,
    close: () =>
      (closing ??= (async () => {
        await app.close();
        await runtime.stop();
      })()),
  };
}
