import type { ActionCatalog } from './action';
import { controlActions } from './control.actions';
import { robotActions } from './robot.actions';
import { spmActions } from './spm.actions';
import { stemActions } from './stem.actions';

export type InstrumentKind = 'synthesis-robot' | 'spm' | 'stem';

const byKind: Record<InstrumentKind, ActionCatalog> = {
  'synthesis-robot': robotActions,
  spm: spmActions,
  stem: stemActions,
};

/** Every action an instrument of this kind understands, control actions included. */
export const catalogFor = (kind: InstrumentKind): ActionCatalog => ({ ...controlActions, ...byKind[kind] });

export type { ActionCatalog, ActionSpec } from './action';
export { recipeSchema, type Recipe } from './robot.actions';
