import { readFile } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import { ConfigError } from '@lab/config';
import { BadRequestException, Body, Controller, Get, HttpCode, Inject, NotFoundException, Param, Post } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { CampaignsService, type CampaignView } from '../campaigns/campaigns.service';
import type { CampaignEntity, ExperimentEntity } from '../persistence/entities';
import { LabRuntime } from '../runtime/lab-runtime';

class CreateCampaignDto {
  @ApiPropertyOptional({ description: 'a file under config/campaigns, e.g. demo.yaml' })
  file?: string;
  @ApiPropertyOptional({ description: 'the campaign YAML itself' })
  yaml?: string;
  @ApiPropertyOptional({ description: 'planner and twin seed', default: 1 })
  seed?: number;
  @ApiPropertyOptional({ description: 'start at once', default: false })
  start?: boolean;
}

class ControlResultDto {
  @ApiProperty() id!: string;
  @ApiProperty() status!: string;
}

@ApiTags('campaigns')
@Controller('api/campaigns')
export class CampaignsController {
  constructor(
    @Inject(CampaignsService) private readonly campaigns: CampaignsService,
    @Inject(LabRuntime) private readonly runtime: LabRuntime,
  ) {}

  @Get()
  list(): Promise<CampaignView[]> {
    return this.campaigns.list();
  }

  @Get(':id')
  async get(@Param('id') id: string): Promise<CampaignView> {
    const row = await this.campaigns.get(id);
    if (!row) throw new NotFoundException(`no campaign ${id}`);
    return row;
  }

  @Get(':id/experiments')
  async experiments(@Param('id') id: string): Promise<ExperimentEntity[]> {
    await this.get(id);
    return this.campaigns.experiments(id);
  }

  @Post()
  async create(@Body() body: CreateCampaignDto): Promise<CampaignEntity> {
    const seed = body.seed ?? 1;
    if (!Number.isInteger(seed) || seed < 0) throw new BadRequestException('seed must be a non-negative integer');
    const { file, text } = await this.source(body);
    try {
      const row = await this.campaigns.create({ file, text, seed });
      if (body.start) (await this.campaigns.start(row.id)).done.catch(() => undefined);
      return row;
    } catch (error) {
      if (error instanceof ConfigError) throw new BadRequestException({ message: 'invalid campaign', issues: error.message.split('\n') });
      throw error;
    }
  }

  @Post(':id/start')
  @HttpCode(202)
  async start(@Param('id') id: string): Promise<ControlResultDto> {
    const row = await this.get(id);
    try {
      (await this.campaigns.start(id)).done.catch(() => undefined);
    } catch (error) {
      throw new BadRequestException((error as Error).message);
    }
    return { id, status: row.status === 'created' ? 'starting' : 'resuming' };
  }

  @Post(':id/stop')
  @HttpCode(202)
  async stop(@Param('id') id: string): Promise<ControlResultDto> {
    await this.get(id);
    const runner = this.campaigns.runner(id);
    if (!runner) throw new BadRequestException(`campaign ${id} is not running`);
    runner.control.stopAfterCurrent();
    return { id, status: 'stopping after the current experiment' };
  }

  private async source(body: CreateCampaignDto): Promise<{ file: string; text: string }> {
    if (body.yaml) return { file: 'request.yaml', text: body.yaml };
    if (!body.file) throw new BadRequestException('give either file or yaml');
    const dir = resolve(this.runtime.options.baseDir, 'config', 'campaigns');
    const path = resolve(dir, body.file);
    if (!path.startsWith(dir + sep)) throw new BadRequestException('file must be inside config/campaigns');
    const text = await readFile(path, 'utf8').catch(() => undefined);
    if (text === undefined) throw new NotFoundException(`no campaign file ${body.file}`);
    return { file: body.file, text };
  }
}
