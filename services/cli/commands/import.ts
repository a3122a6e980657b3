import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { csvRecords } from '../../../shared/adapters/csv.ts';
import { tuvaClaims, type TuvaLine } from '../../../shared/adapters/tuva-claims.ts';
import { plausibleThrough } from '../../../shared/domain/validate.ts';
import type { InputTopic } from '../../../shared/kafka/topics.ts';
import { valueSubject } from '../../../shared/registry/schemas.ts';
import { scenarioLineDeadLetter } from '../../../shared/service/dead-letter.ts';
import { openContext, type Context } from '../../../shared/service/context.ts';
import { waitForCatchUp } from '../catch-up.ts';
import { Progress } from '../progress.ts';
import { publishInOrder, type Outgoing } from '../publish-in-order.ts';
import { checkScenarioRecord } from '../scenario.ts';
import { stringOption, type Command } from './command.ts';

export const importCommand: Command = {
  usage: 'import tuva-claims FILE.csv [--report FILE] [--progress] [--timeout SECONDS]',
  summary: 'publish claims from the files payers and CMS send (Tuva input layer CSV; CCLF to come)',
  help: `tuva-claims FILE.csv   a CSV in the Tuva Project input layer's medical_claim layout (columns by
                       name, extra ones ignored): the lines of one claim_id make one claim record
                       (contract 5.2), checked like any record and published to the claims topic
                       keyed by beneficiary. A claim with a bad line (amount not a number or empty,
                       a date not ISO, an unknown claim_type) or that breaks a rule is reported with
                       the file's line number and dead-lettered; the rest is imported. Re-importing
                       the same file changes nothing (claim ids are stable).
cclf DIR               CMS CCLF files (contract 5.3): not supported by this version yet.
Returns once the services of 'vbc run all' have processed every record.
  --report FILE  write the bad-claim reports to FILE instead of stderr
  --progress     show a progress bar on stderr
  --timeout S    how long to wait for the services to catch up (default 120)`,
  options: { report: { type: 'string' }, progress: { type: 'boolean' }, timeout: { type: 'string' } },
  positionals: 2,
  async run(input) {
    const [format, file] = input.positionals;
    if (format === 'cclf')
      throw new Error(
        'CCLF import is not supported by this version yet; convert to the Tuva input layer, or see the project issue on importers',
      );
    if (format !== 'tuva-claims') throw new Error("say which format: 'tuva-claims FILE.csv' (or 'cclf DIR')");
    if (!file) throw new Error('say which file to import');
    if (!existsSync(file)) throw new Error(`file not found: ${file}`);
    const timeoutMs = Number(stringOption(input, 'timeout') ?? 120) * 1000;
    if (!(timeoutMs > 0)) throw new Error('--timeout needs a number of seconds');
    const reportFile = stringOption(input, 'report');
    const ctx = await openContext('vbc-import');
    try {
      const { messages, good, reports } = encodeTuva(ctx, file);
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
  const typeOf = (t: InputTopic) => ctx.codec.typeFor(valueSubject(ctx.topics.input(t)));
  const meta = { latestPlausible: plausibleThrough(new Date().toISOString().slice(0, 10), ctx.config.maxDaysAhead) };
  const topic = ctx.topics.input('claims');
  const dlq = ctx.topics.deadLetter('claims');
  const messages: Outgoing[] = [];
  const reports: string[] = [];
  const rawOf = (numbers: number[]) => numbers.map((n) => rawLines[n - 1] ?? '').join('\n');
  for (const b of bad) {
    reports.push(`${file}:${b.line}: claim ${b.claimId || '(no claim_id)'}: ${b.reason}`);
    messages.push({ topic: dlq, ...scenarioLineDeadLetter(file, b.line, rawOf(b.lines), b.reason, 'RECORD_INVALID') });
  }
  let good = 0;
  for (const c of claims) {
    const checked = checkScenarioRecord('claims', c.value, c.lines[0]!, rawOf(c.lines), typeOf, meta);
    if (checked.ok) {
      messages.push({ topic, key: checked.key, value: ctx.codec.encode(valueSubject(topic), checked.record) });
      good++;
    } else {
      reports.push(`${file}:${c.lines[0]}: claim ${String(c.value.claimId)}: ${checked.reason}`);
      messages.push({
        topic: dlq,
        ...scenarioLineDeadLetter(file, c.lines[0]!, rawOf(c.lines), checked.reason, checked.code ?? 'RECORD_INVALID'),
      });
    }
  }
  return { messages, good, reports };
}
