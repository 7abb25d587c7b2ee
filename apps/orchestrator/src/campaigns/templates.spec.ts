import { describe, expect, it } from 'vitest';
import { resolveTemplates, type TemplateScope } from './templates';

const scope: TemplateScope = {
  params: { fracA: 0.25, phase: 'beta' },
  experiment: { id: 'e1', sampleId: 's-7', index: 7 },
  steps: { make: { sampleId: 's-7', outcome: 'ok' } },
};

describe('workflow templates', () => {
  it('keeps the type of a value that fills the whole string', () => {
    expect(resolveTemplates({ a: '${params.fracA}', nested: ['${experiment.index}'] }, scope)).toEqual({ a: 0.25, nested: [7] });
  });

  it('splices templates inside longer strings', () => {
    expect(resolveTemplates('sample ${steps.make.sampleId} (${params.phase})', scope)).toBe('sample s-7 (beta)');
  });

  it('leaves plain values alone', () => {
    expect(resolveTemplates({ xNm: 2500, to: 'afm', flag: true }, scope)).toEqual({ xNm: 2500, to: 'afm', flag: true });
  });

  it('names a reference that has no value instead of sending undefined', () => {
    expect(() => resolveTemplates('${steps.loop.area}', scope)).toThrow(/\$\{steps.loop.area\} has no value here/);
  });
});
