import { randomBytes } from 'node:crypto';
import { roleSchema, type UserConfig } from '@lab/config';
import jwt from 'jsonwebtoken';
import { LoginLimiter } from './login-limiter';
import { verifyPassword } from './passwords';
import type { Principal, Role } from './roles';

export class LoginRefused extends Error {
  constructor(
    message: string,
    readonly retryAfterMs = 0,
  ) {
    super(message);
  }
}

export interface AuthOptions {
  users: UserConfig[];
  tokenTtlH: number;
  loginAttemptsPerMinute: number;
  secret?: string;
}

/**
 * Users, passwords and session tokens. With no users configured, a one-time code lets the first
 * visitor in as admin (printed as a login link at start, as notebook servers do).
 */
export class AuthService {
  private readonly users: Map<string, UserConfig>;
  private readonly secret: string;
  private readonly limiter: LoginLimiter;
  private oneTimeCode?: string;

  constructor(private readonly options: AuthOptions) {
    this.users = new Map(options.users.map((u) => [u.name, { ...u, role: roleSchema.parse(u.role) }]));
    this.secret = options.secret ?? randomBytes(32).toString('hex');
    this.limiter = new LoginLimiter(options.loginAttemptsPerMinute);
    if (this.users.size === 0) this.oneTimeCode = randomBytes(18).toString('base64url');
  }

  /** The one-time admin code while no user exists and nobody has used it yet. */
  get pendingOneTimeCode(): string | undefined {
    return this.oneTimeCode;
  }

  async login(name: string, password: string, clientKey: string): Promise<{ token: string; principal: Principal }> {
    const key = `${clientKey}|${name}`;
    const waitMs = this.limiter.retryAfterMs(key);
    if (waitMs > 0) throw new LoginRefused(`too many failed logins; try again in ${Math.ceil(waitMs / 1000)} s`, waitMs);
    const user = this.users.get(name);
    const ok = user !== undefined && (await verifyPassword(password, user.passwordHash));
    if (!ok || !user) {
      this.limiter.fail(key);
      throw new LoginRefused('unknown user or wrong password');
    }
    this.limiter.succeed(key);
    const principal = { name: user.name, role: user.role };
    return { token: this.issue(principal), principal };
  }

  /** Trade the one-time code for an admin session; the code works once. */
  redeemOneTimeCode(code: string): { token: string; principal: Principal } {
    if (!this.oneTimeCode || code !== this.oneTimeCode) throw new LoginRefused('this login link is not valid (it works once)');
    this.oneTimeCode = undefined;
    const principal: Principal = { name: 'admin', role: 'admin' };
    return { token: this.issue(principal), principal };
  }

  /** The principal a token stands for, or undefined when it is missing, forged or expired. */
  verify(token: string | undefined): Principal | undefined {
    if (!token) return undefined;
    try {
      const payload = jwt.verify(token, this.secret, { algorithms: ['HS256'] }) as { sub?: string; role?: string };
      const role = roleSchema.safeParse(payload.role);
      return payload.sub && role.success ? { name: payload.sub, role: role.data } : undefined;
    } catch {
      return undefined;
    }
  }

  issue(principal: Principal): string {
    return jwt.sign({ role: principal.role satisfies Role }, this.secret, { subject: principal.name, expiresIn: `${this.options.tokenTtlH}h`, algorithm: 'HS256' });
  }
}
