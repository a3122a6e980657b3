import {
  closeSync,
  createReadStream,
  existsSync,
  openSync,
  readdirSync,
  readFileSync,
  statSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { cclfTypeOf, crosswalk, partAClaim, partBLine } from '../../../shared/adapters/cclf.ts';
import { csvRecords } from '../../../shared/adapters/csv.ts';
import { tuvaClaims, type TuvaLine } from '../../../shared/adapters/tuva-claims.ts';
import type { InputTopic } from '../../../shared/kafka/topics.ts';
import { valueSubject } from '../../../shared/registry/schemas.ts';
import { openContext, type Context } from '../../../shared/service/context.ts';
import { scenarioLineDeadLetter, type DeadLetterCode } from '../../../shared/service/dead-letter.ts';
import { waitForCatchUp } from '../catch-up.ts';
import { Progress } from '../progress.ts';
import { publishInOrder, type Outgoing } from '../publish-in-order.ts';
import { checkInputRecord, publishedNow } from '../../../shared/adapters/input-record.ts';
import { stringOption, type Command } from './command.ts';
import type { RecordMeta } from '../../../shared/domain/validate.ts';

export const importCommand: Command = {
  usage: 'import tuva-claims FILE.csv | cclf DIR [--report FILE] [--progress] [--timeout SECONDS]',
  summary: 'publish claims from the files payers and CMS send (Tuva input layer CSV, CMS CCLF files)',
  help: `tuva-claims FILE.csv   a CSV in the Tuva Project input layer's medical_claim layout (columns by
                       name, extra ones ignored): the lines of one claim_id make one claim record
                       (contract 5.2). A claim with a bad line (amount not a number or empty, a date
                       not ISO, an unknown claim_type) is reported with the file's line number.
cclf DIR               the CMS CCLF files in DIR (contract 5.3), told by their names (CCLF1... or CMS's
                       ...ZC1Y24...): CCLF1 Part A headers, CCLF5 Part B physician and CCLF6 DME
                       lines become claim records, every MBI through the CCLF9 crosswalk to the
                       beneficiary's current one; CCLF8 is read, other CCLF types are ignored, a
                       file of no CCLF type is refused. Layouts: reference/cclf-layouts.json. Files
                       are read as streams and published in batches: memory stays flat however
                       large they are.
Records are checked like any other producer's and published to the claims topic keyed by
beneficiary; a bad one is reported with file and line and dead-lettered, the rest imported.
Re-importing the same files changes nothing (claim ids are stable); next month's files add only what
is new. Returns once the services of 'vbc run all' have processed every record.
  --report FILE  write the bad-record reports to FILE instead of stderr
  --progress     show a progress bar on stderr (records and records a second)
  --timeout S    how long to wait for the services to catch up (default 120)`,
  options: { report: { type: 'string' }, progress: { type: 'boolean' }, timeout: { type: 'string' } },
  positionals: 2,
  async run(input) {
    const [format, path] = input.positionals;
    if (format !== 'tuva-claims' && format !== 'cclf')
      throw new Error("say which format: 'tuva-claims FILE.csv' or 'cclf DIR'");
    if (!path) throw new Error(format === 'cclf' ? 'say which directory to import' : 'say which file to import');
    if (!existsSync(path)) throw new Error(`not found: ${path}`);
    const timeoutMs = Number(stringOption(input, 'timeout') ?? 120) * 1000;
    if (!(timeoutMs > 0)) throw new Error('--timeout needs a number of seconds');
    // Checked before connecting: a directory with a file of no CCLF type is refused at once.
    const cclfFiles = format === 'cclf' ? cclfDirectory(path) : [];
    const reportFile = stringOption(input, 'report');
    const reportFd = reportFile ? openSync(reportFile, 'w') : null;
    const report = (line: string) => (reportFd === null ? console.error(line) : writeSync(reportFd, `${line}\n`));
    const ctx = await openContext('vbc-import');
    try {
      const progress =
        input.values.progress === true ? new Progress(await countRecords(format, path, cclfFiles), 'importing') : null;
      const sink = new ImportSink(ctx, report, progress);
      if (format === 'cclf') await importCclf(sink, cclfFiles);
      else await importTuva(sink, path);
      await sink.flush();
      if (sink.bad > 0) await ctx.stores.counts.deadLettered('import-lines', sink.bad);
      await waitForCatchUp(ctx, timeoutMs);
      console.error(
        `imported ${sink.good} claim records from ${path}${sink.bad ? `; ${sink.bad} bad records dead-lettered` : ''}`,
      );
      return 0;
    } finally {
      if (reportFd !== null) closeSync(reportFd);
      await ctx.close();
    }
  },
};

/** Records per publish: large enough to amortise a broker request, small enough to keep the importer's memory low. */
const BATCH = 1_000;
/**
 * Batches between two full garbage collections (when `bin/vbc.mjs` exposes gc): what a batch leaves
 * behind is dead at once, but V8 lets it pile up in the old generation, and the importer's memory
 * would grow with the file.
 */
const BATCHES_PER_COLLECTION = 100;

/** The records of an import on their way: checked, buffered a batch at a time, published in order. */
class ImportSink {
  good = 0;
  bad = 0;
  private sent = 0;
  private batches = 0;
  private buffer: Outgoing[] = [];
  private readonly typeOf: (t: InputTopic) => ReturnType<Context['codec']['typeFor']>;
  // The records are published now: dates too far past today are typos, as the services would judge them.
  private readonly meta: RecordMeta;

  constructor(
    private readonly ctx: Context,
    private readonly report: (line: string) => void,
    private readonly progress: Progress | null,
  ) {
    this.typeOf = (t) => ctx.codec.typeFor(valueSubject(ctx.topics.input(t)));
    this.meta = publishedNow(ctx.config);
  }

  async claim(file: string, line: number, raw: string, value: Record<string, unknown>, label = ''): Promise<void> {
    const checked = checkInputRecord('claims', value, line, raw, this.typeOf, this.meta);
    if (!checked.ok) return this.reject(file, line, raw, `${label}${checked.reason}`, checked.code ?? 'RECORD_INVALID');
    const topic = this.ctx.topics.input('claims');
    this.buffer.push({ topic, key: checked.key, value: this.ctx.codec.encode(valueSubject(topic), checked.record) });
    this.good++;
    if (this.buffer.length >= BATCH) await this.flush();
  }

  async reject(
    file: string,
    line: number,
    raw: string,
    reason: string,
    code: DeadLetterCode = 'RECORD_INVALID',
  ): Promise<void> {
    this.report(`${file}:${line}: ${reason}`);
    this.buffer.push({
      topic: this.ctx.topics.deadLetter('claims'),
      ...scenarioLineDeadLetter(file, line, raw, reason, code),
    });
    this.bad++;
    if (this.buffer.length >= BATCH) await this.flush();
  }

  async flush(): Promise<void> {
    const batch = this.buffer;
    this.buffer = [];
    await publishInOrder(this.ctx, batch, Infinity, null);
    if (++this.batches % BATCHES_PER_COLLECTION === 0) (globalThis as { gc?: () => void }).gc?.();
    this.sent += batch.length;
    this.progress?.update(this.sent);
  }
}

/** A CCLF directory's files by type, refusing one whose type its name does not say. */
function cclfDirectory(dir: string) {
  if (!statSync(dir).isDirectory()) throw new Error(`${dir} is not a directory of CCLF files`);
  const typed = readdirSync(dir)
    .filter((name) => statSync(join(dir, name)).isFile())
    .sort()
    .map((name) => ({ path: join(dir, name), type: cclfTypeOf(name) }));
  const unknown = typed.find((f) => f.type === null);
  if (unknown)
    throw new Error(`${unknown.path}: cannot tell its CCLF file type from its name (CCLF1..., or CMS's ...ZC1Y...)`);
  return typed;
}

/** A file's non-blank lines with their numbers, read as a stream (CCLF files are Latin-1 text). */
async function* linesOf(path: string): AsyncGenerator<{ line: string; number: number }> {
  let number = 0;
  for await (const line of createInterface({
    input: createReadStream(path, { encoding: 'latin1' }),
    crlfDelay: Infinity,
  })) {
    number++;
    if (line.trim() !== '') yield { line, number };
  }
}

async function importCclf(sink: ImportSink, files: ReturnType<typeof cclfDirectory>): Promise<void> {
  // The crosswalk first (it is small: one line per retired MBI); then the claims, a line at a time.
  const retired: { line: string }[] = [];
  for (const f of files) if (f.type === 'CCLF9') for await (const l of linesOf(f.path)) retired.push(l);
  const mbis = crosswalk(retired);
  for (const { path, type } of files) {
    if (type !== 'CCLF1' && type !== 'CCLF5' && type !== 'CCLF6') continue;
    for await (const { line, number } of linesOf(path)) {
      const result = type === 'CCLF1' ? partAClaim(line, mbis) : partBLine(type, line, mbis);
      if (result.ok) await sink.claim(path, number, line, result.value);
      else await sink.reject(path, number, line, `${type} record: ${result.reason}`);
    }
  }
}

/** A Tuva file: its lines grouped by claim_id (a claim's lines may be anywhere in the file), then published. */
async function importTuva(sink: ImportSink, file: string): Promise<void> {
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
  const rawOf = (numbers: number[]) => numbers.map((n) => rawLines[n - 1] ?? '').join('\n');
  for (const b of bad)
    await sink.reject(file, b.line, rawOf(b.lines), `claim ${b.claimId || '(no claim_id)'}: ${b.reason}`);
  for (const c of claims)
    await sink.claim(file, c.lines[0]!, rawOf(c.lines), c.value, `claim ${String(c.value.claimId)}: `);
}

/** How many records an import will publish, for the progress bar: lines of the claim files (read once, by chunks). */
async function countRecords(format: string, path: string, files: ReturnType<typeof cclfDirectory>): Promise<number> {
  const paths =
    format === 'cclf'
      ? files.filter((f) => f.type === 'CCLF1' || f.type === 'CCLF5' || f.type === 'CCLF6').map((f) => f.path)
      : [path];
  let lines = 0;
  for (const p of paths) {
    for await (const chunk of createReadStream(p)) {
      for (const byte of chunk as Buffer) if (byte === 10) lines++;
    }
  }
  return format === 'cclf' ? lines : Math.max(0, lines - 1);
}
