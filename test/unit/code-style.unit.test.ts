import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
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
    // Biome reads every file: about a second alone, over five beside the stack and the other test files.
  }, 60_000);

  it('no module imports itself through others (an import cycle), types included', () => {
    const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '*.ts'], {
      cwd: ROOT,
      encoding: 'utf8',
    })
      .split('\n')
      .filter((f) => f && !f.startsWith('test/'));
    const graph = new Map<string, string[]>();
    for (const f of files) {
      const text = readFileSync(join(ROOT, f), 'utf8');
      graph.set(
        f,
        [...text.matchAll(/from\s+'(\.[^']+)'/g)].map((m) => normalize(join(dirname(f), m[1]!))),
      );
    }
    const cycles: string[] = [];
    const visit = (file: string, path: string[], done: Set<string>) => {
      for (const next of graph.get(file) ?? []) {
        if (path.includes(next)) cycles.push([...path.slice(path.indexOf(next)), next].join(' -> '));
        else if (!done.has(next)) {
          done.add(next);
          visit(next, [...path, next], done);
        }
      }
    };
    for (const f of graph.keys()) visit(f, [f], new Set([f]));
    expect(cycles).toEqual([]);
  });
});
