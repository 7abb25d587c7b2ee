import { Initial1795000000000 } from './1795000000000-initial';
import { Control1795000100000 } from './1795000100000-control';

/** Every migration, oldest first. */
export const MIGRATIONS = [Initial1795000000000, Control1795000100000];
