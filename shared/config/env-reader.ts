import { readFileSync } from 'node:fs';

export type Env = Record<string, string | undefined>;

/**
 * Reads settings from the environment, adding one line to `problems` for each bad one (the
 * configuration is validated as a whole at start): a value (null when unset or blank), a whole
 * number in a range, a file that must be readable.
 */
export function envReader(env: Env, problems: string[]) {
  const get = (name: string): string | null => (env[name] ?? '').trim() || null;
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw.trim() === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${name}=${raw} must be a whole number from ${min} to ${max}`);
      return fallback;
    }
    return value;
  };
  const file = (name: string): string | null => {
    const v = get(name);
    if (v === null) return null;
    try {
      readFileSync(v);
    } catch {
      problems.push(`${name}=${v} is not a readable file`);
    }
    return v;
  };
  return { get, int, file };
}
