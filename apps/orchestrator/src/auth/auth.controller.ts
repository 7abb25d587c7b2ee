import { Body, Controller, Get, HttpException, HttpStatus, Inject, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiTags } from '@nestjs/swagger';
import { type AuthedRequest, Public } from './auth.guard';
import { AuthService, LoginRefused } from './auth.service';
import type { Principal } from './roles';

class LoginDto {
  @ApiProperty() name!: string;
  @ApiProperty() password!: string;
}

class OneTimeDto {
  @ApiProperty() code!: string;
}

interface Session {
  token: string;
  user: Principal;
}

@ApiTags('auth')
@Controller('api/auth')
export class AuthController {
  constructor(@Inject(AuthService) private readonly auth: AuthService) {}

  @Public()
  @Post('login')
  async login(@Body() body: LoginDto, @Req() request: AuthedRequest): Promise<Session> {
    if (typeof body?.name !== 'string' || typeof body?.password !== 'string') {
      throw new HttpException('give name and password', HttpStatus.BAD_REQUEST);
    }
    return this.refusalsAsHttp(async () => {
      const { token, principal } = await this.auth.login(body.name, body.password, request.ip ?? 'unknown');
      return { token, user: principal };
    });
  }

  @Public()
  @Post('one-time')
  async oneTime(@Body() body: OneTimeDto): Promise<Session> {
    return this.refusalsAsHttp(async () => {
      const { token, principal } = this.auth.redeemOneTimeCode(String(body?.code ?? ''));
      return { token, user: principal };
    });
  }

  @ApiBearerAuth()
  @Get('me')
  me(@Req() request: AuthedRequest): Principal | undefined {
    return request.principal;
  }

  private async refusalsAsHttp<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (!(error instanceof LoginRefused)) throw error;
      if (error.retryAfterMs > 0) throw new HttpException(error.message, HttpStatus.TOO_MANY_REQUESTS);
      throw new HttpException(error.message, HttpStatus.UNAUTHORIZED);
    }
  }
}
