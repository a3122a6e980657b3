import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashPassword } from '../../services/web/domain/passwords.ts';
import type { User } from '../../services/web/domain/access.ts';

/** A users file for the web application; each user's password is `<username>-password`. */
export async function usersFile(users: (Omit<User, 'facilities'> & { facilities?: string[] })[]): Promise<string> {
  const file = join(mkdtempSync(join(tmpdir(), 'web-users-')), 'users.json');
  const list = [];
  for (const u of users)
    list.push({ ...u, facilities: u.facilities ?? [], passwordHash: await hashPassword(`${u.username}-password`) });
  writeFileSync(file, JSON.stringify({ users: list }));
  return file;
}

/** A signed-in HTTP client of the web application (fetch with the session cookie and CSRF token). */
export class WebClient {
  cookie = '';
  csrf = '';
  constructor(readonly base: string) {}

  /** Signs in through the form, as a browser would: the form's CSRF token and cookie, then the session cookie. */
  async signIn(username: string, password = `${username}-password`): Promise<Response> {
    const form = await fetch(`${this.base}/login`);
    const token = /name="csrf" value="([^"]+)"/.exec(await form.text())?.[1] ?? '';
    const loginCookie = (form.headers.get('set-cookie') ?? '').split(';')[0]!;
    const res = await fetch(`${this.base}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: loginCookie },
      body: new URLSearchParams({ csrf: token, username, password }),
    });
    const session = res.headers.getSetCookie().find((c) => c.startsWith('vbc_session='));
    if (session) {
      this.cookie = session.split(';')[0]!;
      this.csrf = ((await (await this.get('/api/session')).json()) as { csrf: string }).csrf;
    }
    return res;
  }

  get(path: string): Promise<Response> {
    return fetch(`${this.base}${path}`, { headers: { cookie: this.cookie }, redirect: 'manual' });
  }

  post(path: string, body: unknown, csrf: string | null = this.csrf): Promise<Response> {
    return fetch(`${this.base}${path}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: this.cookie, 'content-type': 'application/json', ...(csrf ? { 'x-csrf-token': csrf } : {}) },
      body: JSON.stringify(body),
    });
  }
}
