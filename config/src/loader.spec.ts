import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, formatIssue, jsonSchemas, loadCampaign, loadLab, parseCampaign, validateFiles } from './index';

const root = join(__dirname, '..', '..');
const lab = loadLab(join(root, 'config/lab.yaml')).config;

describe('config loader', () => {
  it('accepts the shipped lab and every shipped campaign', () => {
    expect(lab.instruments.map((i) => i.id)).toEqual(['robot', 'afm', 'stem']);
    const demo = loadCampaign(join(root, 'config/campaigns/demo.yaml'), lab);
    expect(demo.config.workflow.map((s) => s.id)).toContain('loop');
    expect(demo.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('reports all three planted mistakes with their lines', () => {
    const issues = validateFiles([join(root, 'test/fixtures/three-mistakes.yaml')], lab).map(formatIssue);
    expect(issues).toHaveLength(3);
    expect(issues[0]).toMatch(/three-mistakes\.yaml:3:\d+ parameters\.0\.upper: upper \(300\) must be greater than lower \(900\)/);
    expect(issues.find((i) => i.includes('direction'))).toMatch(/:7:\d+ objectives\.0\.direction: /);
    expect(issues.find((i) => i.includes('voltage'))).toMatch(/:15:\d+ workflow\.0\.params\.vMaxV: .*no parameter 'voltage'/);
  });

  it('locates a YAML syntax error', () => {
    const error = (() => {
      try {
        parseCampaign('bad.yaml', 'name: x\nparameters: [\n');
      } catch (e) {
        return e as ConfigError;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error?.issues[0].message).toMatch(/^YAML/);
    expect(error?.issues[0].line).toBeGreaterThanOrEqual(2);
  });

  it('points a missing field at its parent and names it', () => {
    const text = 'name: x\nparameters:\n  - { name: a, type: continuous, lower: 0, upper: 1 }\nobjectives: []\nworkflow: []\n';
    const issues = (() => {
      try {
        parseCampaign('c.yaml', text);
        return [];
      } catch (e) {
        return (e as ConfigError).issues.map(formatIssue);
      }
    })();
    expect(issues).toContain('c.yaml:1:1 budget: Invalid input: expected object, received undefined');
    expect(issues.some((i) => i.startsWith('c.yaml:4:') && i.includes('objectives'))).toBe(true);
  });

  it('checks a campaign against the lab: unknown instruments are named', () => {
    const text = readFileSync(join(root, 'config/campaigns/demo.yaml'), 'utf8').replace('instrument: afm\n    action: hysteresisLoop', 'instrument: afm2\n    action: hysteresisLoop');
    expect(() => parseCampaign('demo.yaml', text, lab)).toThrow(/workflow\.3\.instrument: no instrument 'afm2' in the lab/);
  });

  it('rejects a lab with duplicate instrument ids and a bad envelope', () => {
    const file = join(root, 'test/fixtures/bad-lab.yaml');
    const issues = validateFiles([file]).map(formatIssue);
    expect(issues.some((i) => /instruments\.1\.id: duplicate instrument id 'afm'/.test(i))).toBe(true);
    expect(issues.some((i) => /envelope\.biasV: min must not exceed max/.test(i))).toBe(true);
  });

  it('keeps the committed JSON schemas equal to the zod source of truth (run `lab schema` after a change)', () => {
    const schemas = jsonSchemas();
    for (const name of ['campaign', 'lab'] as const) {
      const committed = JSON.parse(readFileSync(join(root, `config/schema/${name}.schema.json`), 'utf8'));
      expect(committed).toEqual(JSON.parse(JSON.stringify(schemas[name])));
    }
  });
});
