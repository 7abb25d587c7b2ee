import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../apps/orchestrator/src/auth/roles';
import type { Orchestrator } from '../../apps/orchestrator/src/bootstrap';
import { startTestOrchestrator, testLab } from '../support/lab';

const PUBLIC = new Set(['GET /api/health', 'POST /api/auth/login', 'POST /api/auth/one-time']);
/** Routes that change something; every other route only reads. */
const MUTATING = new Set(['POST /api/campaigns', 'POST /api/campaigns/{id}/start', 'POST /api/campaigns/{id}/stop', 'POST /api/control']);
const TECHNICIAN_READS = new Set(['GET /api/audit']);

describe('security: every REST route as anonymous, viewer, technician and pi', () => {
  let orchestrator: Orchestrator;
  let cleanup: () => void;
  let routes: { method: string; path: string }[];

  beforeAll(async () => {
    const lab = testLab();
    cleanup = lab.cleanup;
    orchestrator = await startTestOrchestrator(lab.lab, { http: true });
    const document = (await (await fetch(`${orchestrator.url}/api/docs-json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    routes = Object.entries(document.paths).flatMap(([path, methods]) => Object.keys(methods).map((method) => ({ method: method.toUpperCase(), path })));
  });
  afterAll(async () => {
    await orchestrator.close();
    cleanup();
  });

  const call = (route: { method: string; path: string }, role?: Role) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (role) headers.authorization = `Bearer ${orchestrator.auth.issue({ name: `a-${role}`, role })}`;
    const body = route.method === 'POST' ? JSON.stringify(route.path === '/api/control' ? { type: 'pause', campaignId: 'none' } : {}) : undefined;
    return fetch(`${orchestrator.url}${route.path.replace(/\{[^}]+\}/g, 'none')}`, { method: route.method, headers, body });
  };

  it('finds the routes in the OpenAPI document', () => {
    expect(routes.length).toBeGreaterThanOrEqual(10);
    for (const name of MUTATING) expect(routes.map((r) => `${r.method} ${r.path}`)).toContain(name);
  });

  it('lets no anonymous caller past any route but health and sign-in', async () => {
    for (const route of routes) {
      const name = `${route.method} ${route.path}`;
      const response = await call(route);
      const text = await response.text();
      // Public routes answer for themselves (a wrong login is a 401 of its own); the rest meet the guard.
      if (PUBLIC.has(name)) expect(text, name).not.toMatch(/sign in first/);
      else expect([response.status, text], name).toEqual([401, expect.stringMatching(/sign in first/)]);
    }
  });

  it('lets a viewer read but change nothing', async () => {
    for (const route of routes.filter((r) => !PUBLIC.has(`${r.method} ${r.path}`))) {
      const name = `${route.method} ${route.path}`;
      const status = (await call(route, 'viewer')).status;
      if (MUTATING.has(name) || TECHNICIAN_READS.has(name)) expect(status, name).toBe(403);
      else expect([200, 400, 404], name).toContain(status); // 400: the placeholder id is not a valid name
    }
  });

  it('lets a technician and a pi through every route (the request may still be invalid, never forbidden)', async () => {
    for (const role of ['technician', 'pi'] as const) {
      for (const route of routes.filter((r) => !PUBLIC.has(`${r.method} ${r.path}`))) {
        const name = `${route.method} ${route.path}`;
        const response = await call(route, role);
        const text = await response.text();
        // Forbidden only by state (e.g. "not running"), never by role.
        if (response.status === 403) expect(text, `${role} ${name}`).not.toMatch(/may not/);
        expect(response.status, `${role} ${name}`).not.toBe(401);
      }
    }
  });

  it('rate-limits failed logins and never echoes passwords', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      const response = await fetch(`${orchestrator.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'mallory', password: `guess-${i}` }) });
      statuses.push(response.status);
      expect(await response.text()).not.toMatch(/guess-/);
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual([429, 429]);
  });
});
