import type { Role } from '@lab/config';

export type { Role };

const RANK: Record<Role, number> = { viewer: 0, technician: 1, pi: 2, admin: 3 };

/** Roles are ordered: a pi may do what a technician may, an admin anything. */
export const atLeast = (role: Role, needed: Role): boolean => RANK[role] >= RANK[needed];

/** Who is acting: a person with a role, or a planner acting for a campaign. */
export interface Principal {
  name: string;
  role: Role;
}
