/**
 * Who may see what (issue 22): pure rules, checked on the server for every request. Care managers
 * see the patients and alerts of their ACOs or facilities; finance the money views of their ACOs
 * and no patient; admins everything, and the audit log.
 */

export type Role = 'care-manager' | 'finance' | 'admin';
export const ROLES: readonly Role[] = ['care-manager', 'finance', 'admin'];

export interface User {
  username: string;
  role: Role;
  /** ACOs in scope ('*': all). */
  acos: string[];
  /** Facilities in scope (care managers of a hospital). */
  facilities: string[];
}

/** The application's areas; every route belongs to one. */
export type Area = 'worklist' | 'alert-action' | 'patient' | 'finance' | 'audit' | 'session';

const AREAS: Record<Area, readonly Role[]> = {
  worklist: ['care-manager', 'admin'],
  'alert-action': ['care-manager', 'admin'],
  patient: ['care-manager', 'admin'],
  finance: ['finance', 'admin'],
  audit: ['admin'],
  session: ['care-manager', 'finance', 'admin'],
};

export function mayEnter(user: User, area: Area): boolean {
  return AREAS[area].includes(user.role);
}

const inScope = (list: string[], value: string | null | undefined) =>
  list.includes('*') || (value !== null && value !== undefined && value !== '' && list.includes(value));

/** An alert is a care manager's when its ACO or its facility is theirs. */
export function maySeeAlert(user: User, alert: { acoId: string | null; facilityId: string | null }): boolean {
  if (user.role === 'admin') return true;
  if (user.role !== 'care-manager') return false;
  return inScope(user.acos, alert.acoId) || inScope(user.facilities, alert.facilityId);
}

/** A patient is a care manager's when attributed to one of their ACOs or seen at one of their facilities. */
export function maySeePatient(user: User, patient: { acoIds: string[]; facilityIds: string[] }): boolean {
  if (user.role === 'admin') return true;
  if (user.role !== 'care-manager') return false;
  return (
    patient.acoIds.some((a) => inScope(user.acos, a)) || patient.facilityIds.some((f) => inScope(user.facilities, f))
  );
}

/** Money views of an ACO: its finance users and admins. */
export function maySeeAcoFinance(user: User, acoId: string): boolean {
  if (user.role === 'admin') return true;
  return user.role === 'finance' && inScope(user.acos, acoId);
}
