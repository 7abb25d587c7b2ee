import { describe, expect, it } from 'vitest';
import { pixelCentresNm, unitsOfRow } from './nxdata';

describe('NXdata helpers', () => {
  it('reads units from the suffix of a row name', () => {
    expect(unitsOfRow('energyLossEv')).toBe('eV');
    expect(unitsOfRow('biasV')).toBe('V');
    expect(unitsOfRow('piezoresponsePm')).toBe('pm');
    expect(unitsOfRow('currentPa')).toBe('pA');
    expect(unitsOfRow('counts')).toBe('counts');
    expect(unitsOfRow('phase')).toBeUndefined();
  });

  it('puts image axes at pixel centres in nm, from the origin', () => {
    expect([...pixelCentresNm(3, 100, 2)]).toEqual([101, 103, 105]);
  });
});
