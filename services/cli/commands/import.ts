import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cclfTypeOf, crosswalk, partAClaim, partBLine } from '../../../shared/adapters/cclf.ts';
import { csvRecords } from '../../../shared/adapters/csv.ts';
import { tuvaClaims, type TuvaLine } from '../../../shared/adapters/tuva-claims.ts';
import { plausibleThrough } from '../../../shared/domain/validate.ts';
import type { InputTopic } from '../../../shared/kafka/topics.ts';
import { valueSubject } from '../../../shared/registry/schemas.ts';
import { scenarioLineDeadLetter, type DeadLetterCode } from '../../../shared/service/dead-letter.ts';
import { openContext, type Context } from '../../../shared/service/context.ts';
import { waitForCatchUp } from '../catch-up.ts';
import { Progress } from '../progress.ts';
import { publishInOrder, type Outgoing } from '../publish-in-order.ts';
import { checkScenarioRecord } from '../scenario.ts';
import { stringOption, type Command } from './command.ts';

export const importCommand: Command = {
  usage: 'import tuva-claims FILE.csv | cclf DIR [--report FILE] [--progress] [--timeout SECONDS]',
  summary: 'publish claims from the files payers and CMS send (Tuva input layer CSV, CMS CCLF files)',
  help: `tuva-claims FILE.csv   a CSV in the Tuva Project input layer's medical_claim layout (columns by
                       name, extra ones ignored): the lines of one claim_id make one claim record
                       (contract 5.2), checked like any record and published to the claims topic
                       keyed by beneficiary. A claim with a bad line (amount not a number or empty,
                       a date not ISO, an unknown claim_type) or that breaks a rule is reported with
                       the file's line number and dead-lettered; the rest is imported. Re-importing
                       the same file changes nothing (claim ids are stable).
cclf DIR               the CMS CCLF files in DIR (contract 5.3), told by their names (CCLF1... or CMS's
                       ...ZC1Y24...): CCLF1 Part A headers, CCLF5 Part B physician and CCLF6 DME
                       lines become claim records, every MBI through the CCLF9 crosswalk to the
                       beneficiary's current one; CCLF8 is read, other CCLF types are ignored, a
                       file of no CCLF type is refused. Layouts: reference/cclf-layouts.json.
Returns once the services of 'vbc run all' have processed every record.
  --report FILE  write the bad-claim reports to FILE instead of stderr
  --progress     show a progress bar on stderr
  --timeout S    how long to wait for the services to catch up (default 120)`,
  options: { report: { type: 'string' }, progress: { type: 'boolean' }, timeout: { type: 'string' } },
  positionals: 2,
  async run(input) {
    const [format, file] = input.positionals;
    if (format !== 'tuva-claims' && format !== 'cclf')
      throw new Error("say which format: 'tuva-claims FILE.csv' or 'cclf DIR'");
    if (!file) throw new Error(format === 'cclf' ? 'say which directory to import' : 'say which file to import');
    if (!existsSync(file)) throw new Error(`not found: ${file}`);
    const timeoutMs = Number(stringOption(input, 'timeout') ?? 120) * 1000;
    if (!(timeoutMs > 0)) throw new Error('--timeout needs a number of seconds');
    const reportFile = stringOption(input, 'report');
    const ctx = await openContext('vbc-import');
    try {
      const { messages, good, reports } = format === 'cclf' ? encodeCclf(ctx, file) : encodeTuva(ctx, file);
      if (reportFile) writeFileSync(reportFile, reports.map((r) => `${r}\n`).join(''));
      else for (const r of reports) console.error(r);
      await publishInOrder(
        ctx,
        messages,
        Infinity,
        input.values.progress === true ? new Progress(messages.length, 'importing') : null,
      );
      if (reports.length > 0) await ctx.stores.counts.deadLettered('import-lines', reports.length);
      await waitForCatchUp(ctx, timeoutMs);
      console.error(
        `imported ${good} claim records from ${file}${reports.length ? `; ${reports.length} bad claims dead-lettered` : ''}`,
      );
      return 0;
    } finally {
      await ctx.close();
    }
  },
};

/** The claim records of a CCLF directory as messages: good ones to the claims topic, bad ones to its dead-letter topic. */
function encodeCclf(ctx: Context, dir: string): { messages: Outgoing[]; good: number; reports: string[] } {
  if (!statSync(dir).isDirectory()) throw new Error(`${dir} is not a directory of CCLF files`);
  const files = readdirSync(dir)
    .filter((name) => statSync(join(dir, name)).isFile())
    .sort();
  const typed = files.map((name) => ({ path: join(dir, name), type: cclfTypeOf(name) }));
  const unknown = typed.find((f) => f.type === null);
  if (unknown)
    throw new Error(`${unknown.path}: cannot tell its CCLF file type from its name (CCLF1..., or CMS's ...ZC1Y...)`);
  const linesOf = (path: string) =>
    readFileSync(path, 'latin1')
      .split(/\r?\n/)
      .map((line, i) => ({ line, number: i + 1 }))
      .filter((l) => l.line.trim() !== '');
  const mbis = crosswalk(typed.filter((f) => f.type === 'CCLF9').flatMap((f) => linesOf(f.path)));
  const out = newBatch(ctx);
  for (const { path, type } of typed) {
    if (type !== 'CCLF1' && type !== 'CCLF5' && type !== 'CCLF6') continue;
    for (const { line, number } of linesOf(path)) {
      const result = type === 'CCLF1' ? partAClaim(line, mbis) : partBLine(type, line, mbis);
      if (result.ok) out.claim(path, number, line, result.value);
      else out.bad(path, number, line, `${type} record: ${result.reason}`);
    }
  }
  return out.done();
}

/** Messages being made from one import: checked claim records, and bad ones reported and dead-lettered. */
function newBatch(ctx: Context) {
  const typeOf = (t: InputTopic) => ctx.codec.typeFor(valueSubject(ctx.topics.input(t)));
  // The records are published now: dates too far past today are typos, as the services would judge them.
  const meta = { latestPlausible: plausibleThrough(new Date().toISOString().slice(0, 10), ctx.config.maxDaysAhead) };
  const topic = ctx.topics.input('claims');
  const dlq = ctx.topics.deadLetter('claims');
  const messages: Outgoing[] = [];
  const reports: string[] = [];
  let good = 0;
  const bad = (file: string, line: number, raw: string, reason: string, code: DeadLetterCode = 'RECORD_INVALID') => {
    reports.push(`${file}:${line}: ${reason}`);
    messages.push({ topic: dlq, ...scenarioLineDeadLetter(file, line, raw, reason, code) });
  };
  return {
    bad,
    claim: (file: string, line: number, raw: string, value: Record<string, unknown>, label = '') => {
      const checked = checkScenarioRecord('claims', value, line, raw, typeOf, meta);
      if (checked.ok) {
        messages.push({ topic, key: checked.key, value: ctx.codec.encode(valueSubject(topic), checked.record) });
        good++;
      } else bad(file, line, raw, `${label}${checked.reason}`, checked.code ?? 'RECORD_INVALID');
    },
    done: () => ({ messages, good, reports }),
  };
}

/** The file's claims as messages: good ones to the claims topic, bad ones (with their lines) to its dead-letter topic. */
function encodeTuva(ctx: Context, file: string): { messages: Outgoing[]; good: number; reports: string[] } {
  const text = readFileSync(file, 'utf8');
  const rows = csvRecords(text);
  const header = rows.next();
  if (header.done) throw new Error(`${file} is empty: a header row is expected`);
  const names = header.value.fields.map((f) => f.trim().toLowerCase());
  if (!names.includes('claim_id')) throw new Error(`${file} has no claim_id column: not the Tuva medical_claim layout`);
  const rawLines = text.split(/\r?\n/);
  const lines: TuvaLine[] = [];
  for (const { line, fields } of rows)
    lines.push({ line, row: Object.fromEntries(names.map((n, i) => [n, fields[i] ?? ''])) });
  const { claims, bad } = tuvaClaims(lines);
  const out = newBatch(ctx);
  const rawOf = (numbers: number[]) => numbers.map((n) => rawLines[n - 1] ?? '').join('\n');
  for (const b of bad) out.bad(file, b.line, rawOf(b.lines), `claim ${b.claimId || '(no claim_id)'}: ${b.reason}`);
  for (const c of claims) out.claim(file, c.lines[0]!, rawOf(c.lines), c.value, `claim ${String(c.value.claimId)}: `);
  return out.done();
}
