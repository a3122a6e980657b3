import { readFileSync } from 'node:fs';
import { ROLES, type Role, type User } from '../domain/access.ts';

export interface StoredUser extends User {
  passwordHash: string;
}

/**
 * The users file (VBC_WEB_USERS_FILE): `{"users": [{"username", "role", "passwordHash", "acos",
 * "facilities"}]}`, password hashes only (`vbc web hash-password`). Every problem is one line.
 */
export function loadUsers(file: string | null): Map<string, StoredUser> {
  const users = new Map<string, StoredUser>();
  if (file === null) return users;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`VBC_WEB_USERS_FILE=${file} is not JSON (${(error as Error).message})`);
  }
  const list = (parsed as { users?: unknown }).users;
  if (!Array.isArray(list)) throw new Error(`VBC_WEB_USERS_FILE=${file} has no "users" list`);
  list.forEach((u: Record<string, unknown>, i) => {
    const where = `VBC_WEB_USERS_FILE ${file}, user ${i + 1}`;
    const username = typeof u.username === 'string' ? u.username.trim() : '';
    if (!/^[A-Za-z0-9._@-]{1,64}$/.test(username))
      throw new Error(`${where}: "username" must be 1-64 letters, digits or ._@-`);
    if (!ROLES.includes(u.role as Role)) throw new Error(`${where}: "role" must be one of ${ROLES.join(', ')}`);
    if (typeof u.passwordHash !== 'string' || !u.passwordHash.startsWith('scrypt$'))
      throw new Error(`${where}: "passwordHash" must be a scrypt hash (vbc web hash-password)`);
    const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
    if (users.has(username)) throw new Error(`${where}: "${username}" is listed twice`);
    users.set(username, {
      username,
      role: u.role as Role,
      passwordHash: u.passwordHash,
      acos: strings(u.acos),
      facilities: strings(u.facilities),
    });
  });
  return users;
}
