import { BadRequestException, Body, Controller, Get, HttpCode, Inject, NotFoundException, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import type { AuthedRequest } from '../auth/auth.guard';
import type { ModelMap } from '../campaigns/campaign-runner';
import { CampaignsService, type CampaignView } from '../campaigns/campaigns.service';
import type { ControlOutcome } from '../control/control.service';
import type { ExperimentEntity } from '../persistence/entities';
import { calibrate, type CampaignCalibration } from '../report/calibration';
import { ControlHttp } from './control-http';

class CreateCampaignDto {
  @ApiPropertyOptional({ description: 'a file under config/campaigns, e.g. demo.yaml' })
  file?: string;
  @ApiPropertyOptional({ description: 'the campaign YAML itself' })
  yaml?: string;
  @ApiPropertyOptional({ description: 'planner and twin seed', default: 1 })
  seed?: number;
}

/** Campaigns: read by anyone signed in; created, started and stopped through the audited control service. */
@ApiTags('campaigns')
@ApiBearerAuth()
@Controller('api/campaigns')
export class CampaignsController {
  constructor(
    @Inject(CampaignsService) private readonly campaigns: CampaignsService,
    @Inject(ControlHttp) private readonly control: ControlHttp,
  ) {}

  @Get()
  list(): Promise<CampaignView[]> {
    return this.campaigns.list();
  }

  /** The campaign files in config/campaigns that can be started by name. */
  @Get('files')
  files(): Promise<{ file: string; name: string; description: string }[]> {
    return this.campaigns.files();
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

  /** Where one experiment came from and what touched it: proposal, planner, config versions, commands, data, overrides. */
  @Get(':id/experiments/:experimentId/provenance')
  async provenance(@Param('id') id: string, @Param('experimentId') experimentId: string): Promise<Record<string, unknown>> {
    const found = await this.campaigns.provenance(experimentId);
    if (!found || (found.experiment as ExperimentEntity).campaignId !== id) throw new NotFoundException(`no experiment ${experimentId} in campaign ${id}`);
    return found;
  }

  /** How well each prediction held against its measurement: pairs, z, shares within 1 and 2 sd, mean |z|, RMSE, coverage. */
  @Get(':id/calibration')
  async calibration(@Param('id') id: string): Promise<CampaignCalibration> {
    const campaign = await this.get(id);
    return calibrate(campaign.objectives.map((o) => o.name), await this.campaigns.experiments(id));
  }

  /** The model's mean and sd over two numeric inputs (`?x=&y=&n=`), while the campaign runs. */
  @Get(':id/model')
  async model(@Param('id') id: string, @Query('x') x: string, @Query('y') y: string, @Query('n') n?: string): Promise<ModelMap | { cells: [] }> {
    await this.get(id);
    const runner = this.campaigns.runner(id);
    if (!runner) throw new BadRequestException(`campaign ${id} is not running: its model is not loaded`);
    try {
      return runner.modelMap(x, y, Math.min(64, Math.max(4, Number(n) || 24))) ?? { cells: [] };
    } catch (error) {
      throw new BadRequestException((error as Error).message);
    }
  }

  /** Create a campaign from a file or inline YAML and start it. */
  @Post()
  @HttpCode(202)
  create(@Body() body: CreateCampaignDto, @Req() request: AuthedRequest): Promise<ControlOutcome> {
    return this.control.run(request, { type: 'startCampaign', file: body?.file, yaml: body?.yaml, seed: body?.seed ?? 1 });
  }

  /** Start a created campaign, or resume an interrupted one. */
  @Post(':id/start')
  @HttpCode(202)
  start(@Param('id') id: string, @Req() request: AuthedRequest): Promise<ControlOutcome> {
    return this.control.run(request, { type: 'startCampaign', campaignId: id, seed: 1 });
  }

  /** Stop after the current experiment. */
  @Post(':id/stop')
  @HttpCode(202)
  stop(@Param('id') id: string, @Req() request: AuthedRequest): Promise<ControlOutcome> {
    return this.control.run(request, { type: 'stop', campaignId: id });
  }
}
