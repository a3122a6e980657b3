import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('code style (Biome: formatter at line width 120 and linter, biome.jsonc)', () => {
  it('every source file is formatted and passes the linter (fix with: npx biome check --write .)', () => {
    const r = spawnSync(`${ROOT}node_modules/.bin/biome`, ['ci', '--reporter=summary', '.'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
  });
});
