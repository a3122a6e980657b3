import { once } from 'node:events';
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { cclfFiles } from '../simulate/cclf-files.ts';
import { generateFeed } from '../simulate/feed-generator.ts';
import { renderFeedLines } from '../simulate/feed-file.ts';
import { feedStats } from '../simulate/feed-stats.ts';
import { stringOption, type Command } from './command.ts';

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;

export const simulateCommand: Command = {
  usage: 'simulate [--seed N] [--beneficiaries N] [--out FILE] [--cclf DIR]',
  summary: 'write a realistic synthetic year of claims, ADT and reference data as a scenario file',
  help: `Writes a scenario file (contract section 2) that 'vbc replay' can publish: beneficiaries
(default 20,000) attributed to four ACOs on different MSSP tracks with their contracts, episode
target prices, professional, outpatient, inpatient, SNF, HHA, hospice and DME claims with a 2-8 week
adjudication lag, ~2% cancellations and adjustments, admissions and discharges with dispositions,
readmissions around 15% of index stays, BPCI anchor stays, and ~0.5% malformed lines. The same seed
gives a byte-identical file, written to --out FILE or, without it, to stdout (pipe it where you like).
With --cclf DIR the claims are written as the CCLF files an ACO receives (CCLF1, CCLF5, CCLF6 in DIR,
for 'vbc import cclf') and the scenario file holds the other records. Prints the measured rates on stderr.`,
  options: {
    seed: { type: 'string' },
    beneficiaries: { type: 'string' },
    out: { type: 'string' },
    cclf: { type: 'string' },
  },
  async run(input) {
    const seed = Number(stringOption(input, 'seed') ?? 7);
    const beneficiaries = Number(stringOption(input, 'beneficiaries') ?? 20_000);
    const out = stringOption(input, 'out');
    if (!Number.isInteger(seed) || seed < 0) throw new Error('--seed needs a whole number');
    if (!Number.isInteger(beneficiaries) || beneficiaries < 1 || beneficiaries > 2_000_000)
      throw new Error('--beneficiaries needs a whole number from 1 to 2,000,000');
    const all = generateFeed({ seed, beneficiaries });
    const cclfDir = stringOption(input, 'cclf');
    let lines = all;
    if (cclfDir) {
      mkdirSync(cclfDir, { recursive: true });
      const files = cclfFiles(all);
      for (const name of ['CCLF1', 'CCLF5', 'CCLF6'] as const)
        writeFileSync(join(cclfDir, `${name}.txt`), `${files[name]}\n`);
      console.error(`simulate: wrote ${files.claims} claim records as CCLF files in ${cclfDir}`);
      lines = all.filter((l) => l.topic !== 'claims');
    }
    const rendered = renderFeedLines(lines, seed);
    const malformed = rendered.malformed;
    // Written 10,000 lines at a time: the whole feed of a large simulation exceeds a string's length.
    const fd = out ? openSync(out, 'w') : null;
    try {
      for (let i = 0; i < rendered.lines.length; i += 10_000) {
        const chunk = `${rendered.lines.slice(i, i + 10_000).join('\n')}\n`;
        if (fd !== null) writeSync(fd, chunk);
        else if (!process.stdout.write(chunk)) await once(process.stdout, 'drain');
      }
    } finally {
      if (fd !== null) closeSync(fd);
    }
    const s = feedStats(all);
    const total = lines.length + malformed;
    console.error(
      `simulate: wrote ${total} lines to ${out ?? 'stdout'} (seed ${seed}, ${s.beneficiaries} beneficiaries)`,
    );
    console.error(
      `  by topic: ${Object.entries(s.byTopic)
        .map(([t, n]) => `${t} ${n}`)
        .join(', ')}`,
    );
    console.error(
      `  readmission rate: ${pct(s.readmissionRate)} (${s.readmissions} of ${s.indexStays} index stays; stated range 12-18%)`,
    );
    console.error(
      `  cancellations and adjustments: ${pct(s.cancellationShare)} of claim records (stated range 1.5-3%)`,
    );
    console.error(`  malformed lines: ${malformed} (${pct(malformed / total)}; stated ~0.5%)`);
    return 0;
  },
};
