import { hashPassword } from '../../web/domain/passwords.ts';
import type { Command } from './command.ts';

export const webCommand: Command = {
  usage: 'web hash-password',
  summary: "make a password hash for the web application's users file",
  help: `Reads a password from standard input (one line) and prints its scrypt hash, for the
"passwordHash" of a user in VBC_WEB_USERS_FILE:
  {"users": [{"username": "ana", "role": "care-manager", "acos": ["A1001"], "facilities": [],
              "passwordHash": "scrypt$16384$8$1$..."}]}
Roles: care-manager (sees the patients and alerts of its "acos" or "facilities"), finance (money
views of its "acos"; "*" for all), admin (everything, and the audit log).`,
  positionals: 1,
  async run(input) {
    if (input.positionals[0] !== 'hash-password') throw new Error("say 'hash-password' (vbc web hash-password)");
    let text = '';
    for await (const chunk of process.stdin) text += chunk;
    const password = text.split(/\r?\n/)[0] ?? '';
    if (password.length < 8) throw new Error('a password needs at least 8 characters');
    console.log(await hashPassword(password));
    return 0;
  },
};
