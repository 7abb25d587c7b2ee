import { BadRequestException, ForbiddenException, Inject, Injectable } from '@nestjs/common';
import type { AuthedRequest } from '../auth/auth.guard';
import { ControlInvalid, ControlRefused, type ControlOutcome, ControlService } from '../control/control.service';

/** Runs an override for an HTTP request and maps refusals to 403 and bad input to 400. */
@Injectable()
export class ControlHttp {
  constructor(@Inject(ControlService) private readonly control: ControlService) {}

  async run(request: AuthedRequest, command: unknown): Promise<ControlOutcome> {
    const principal = request.principal;
    if (!principal) throw new ForbiddenException('sign in first');
    try {
      return await this.control.execute(principal, command);
    } catch (error) {
      if (error instanceof ControlRefused) throw new ForbiddenException(error.message);
      if (error instanceof ControlInvalid) throw new BadRequestException(error.message);
      throw error;
    }
  }
}
