import { join } from 'node:path';
import { BadRequestException, Controller, Get, Inject, Param, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { LabRuntime } from '../runtime/lab-runtime';

const NAME = /^([0-9a-f]{64})\.(frame|png)$/;

/** Raw data and overlays by content hash (as referenced from measurements), for signed-in users. */
@ApiTags('data')
@ApiBearerAuth()
@Controller('api/blobs')
export class BlobsController {
  constructor(@Inject(LabRuntime) private readonly runtime: LabRuntime) {}

  @Get(':name')
  get(@Param('name') name: string, @Res() response: Response): void {
    const match = NAME.exec(name);
    if (!match) throw new BadRequestException('a blob is named <sha256>.frame or <sha256>.png');
    const [, sha256, extension] = match;
    response.type(extension === 'png' ? 'image/png' : 'application/octet-stream');
    response.setHeader('cache-control', 'private, max-age=31536000, immutable');
    response.sendFile(join('blobs', sha256.slice(0, 2), name), { root: this.runtime.blobs.root }, (error) => {
      if (error && !response.headersSent) response.status(404).json({ message: `no blob ${name}` });
    });
  }
}
