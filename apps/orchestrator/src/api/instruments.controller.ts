import { Controller, Get, Inject, NotFoundException, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { InstrumentView } from '@lab/instruments';
import { LabRuntime } from '../runtime/lab-runtime';

@ApiTags('instruments')
@ApiBearerAuth()
@Controller('api/instruments')
export class InstrumentsController {
  constructor(@Inject(LabRuntime) private readonly runtime: LabRuntime) {}

  @Get()
  list(): (InstrumentView & { actions: string[] })[] {
    return [...this.runtime.instruments.keys()].map((id) => this.get(id));
  }

  @Get(':id')
  get(@Param('id') id: string): InstrumentView & { actions: string[] } {
    const instrument = this.runtime.instruments.get(id);
    if (!instrument) throw new NotFoundException(`no instrument '${id}'`);
    return { ...instrument.view, actions: Object.keys(instrument.catalog) };
  }
}
