import { SchemaRegistry, SchemaType, COMPATIBILITY } from '@kafkajs/confluent-schema-registry';
import type { Type } from 'avsc';
import type { Agent } from 'node:https';
import { clientCertificateHint, maskUrl } from '../config/security.ts';
import { AppError, ErrorCode } from '../errors/app-error.ts';

/**
 * Avro in the Confluent wire format (magic byte 0, 4-byte schema id, Avro binary), with every
 * schema cached by id. After `prepare` has seen a batch's schema ids (one registry call per id
 * ever, none for ids already known), `decode` and `encode` are synchronous: the per-record path
 * has no await.
 */
export class AvroCodec {
  readonly registry: SchemaRegistry;
  private readonly typesById = new Map<number, Type>();
  private readonly writerIdBySubject = new Map<string, number>();

  /** Whether the client presents a certificate (for the reason given when the registry refuses it). */
  private readonly presentsCertificate: boolean;

  /**
   * `options`: from registryClientOptions (basic auth, an agent trusting a private CA and presenting a client
   * certificate).
   */
  constructor(
    private readonly url: string,
    options: { auth?: { username: string; password: string }; agent?: Agent } = {},
  ) {
    this.registry = new SchemaRegistry({ host: url, retry: { retries: 2 }, ...options });
    this.presentsCertificate = options.agent?.options.cert !== undefined;
  }

  /** Registers (or finds) a schema under a subject with BACKWARD compatibility; returns its id. */
  async register(subject: string, schema: string): Promise<number> {
    const { id } = await this.registry
      .register({ type: SchemaType.AVRO, schema }, { subject, compatibility: COMPATIBILITY.BACKWARD })
      .catch((error: unknown) => {
        throw this.failure(error);
      });
    await this.load(id);
    this.writerIdBySubject.set(subject, id);
    return id;
  }

  /** Uses the latest registered schema of a subject for encoding. */
  async useLatest(subject: string): Promise<number> {
    const id = await this.registry.getLatestSchemaId(subject);
    await this.load(id);
    this.writerIdBySubject.set(subject, id);
    return id;
  }

  /** Loads the schemas of every id in these messages that is not cached yet. */
  async prepare(values: Iterable<Buffer | null>): Promise<void> {
    const ids = new Set<number>();
    for (const value of values) {
      const id = schemaIdOf(value);
      if (id !== undefined) ids.add(id);
    }
    await this.prepareIds(ids);
  }

  /** Loads the schemas of these ids that are not cached yet. */
  async prepareIds(ids: Iterable<number>): Promise<void> {
    const unknown = new Set<number>();
    for (const id of ids) if (!this.typesById.has(id)) unknown.add(id);
    for (const id of unknown) {
      // An id the registry does not know stays unknown: decode reports it per record (dead-letter).
      // A registry that cannot be reached is another matter: the batch fails and is retried, rather
      // than every record of a new schema going to the dead-letter topic.
      await this.load(id).catch((error: unknown) => {
        const failure = this.failure(error);
        if (failure instanceof AppError) throw failure;
      });
    }
  }

  decode(value: Buffer | null): unknown {
    const id = schemaIdOf(value);
    if (value === null || id === undefined) {
      throw new AppError(ErrorCode.RECORD_UNDECODABLE, 'not in the Avro wire format (no magic byte and schema id)');
    }
    const type = this.typesById.get(id);
    if (!type) throw new AppError(ErrorCode.SCHEMA_UNKNOWN, `schema id ${id} is not known to the registry`);
    try {
      return type.fromBuffer(value.subarray(5));
    } catch (error) {
      throw new AppError(
        ErrorCode.RECORD_UNDECODABLE,
        `Avro decode failed with schema id ${id}: ${(error as Error).message}`,
      );
    }
  }

  /**
   * `decode` of the value at bytes[start, start + length) (length -1: a null value), read in place:
   * no view of its own, no copy. A value that does not decode exactly there (truncated, trailing
   * data, not in the wire format) is decoded again by `decode`, for its verdict.
   */
  decodeAt(bytes: Buffer, start: number, length: number): unknown {
    const type = length < 0 ? undefined : this.typesById.get(schemaIdAt(bytes, start, length) ?? -1);
    if (type !== undefined) {
      // avsc reads from a position without checking where the value ends: that is checked here.
      try {
        const read = type.decode(bytes, start + 5);
        if (read.offset === start + length) return read.value;
      } catch {
        // Decoded again below, for the verdict `decode` gives.
      }
    }
    return this.decode(length < 0 ? null : bytes.subarray(start, start + length));
  }

  encode(subject: string, record: unknown): Buffer {
    const id = this.writerIdBySubject.get(subject);
    const type = id === undefined ? undefined : this.typesById.get(id);
    if (id === undefined || !type)
      throw new AppError(ErrorCode.SCHEMA_UNKNOWN, `no schema loaded for subject ${subject}`);
    const body = type.toBuffer(record);
    const out = Buffer.allocUnsafe(5 + body.length);
    out.writeUInt8(0, 0);
    out.writeUInt32BE(id, 1);
    body.copy(out, 5);
    return out;
  }

  /** The avsc type a subject encodes with (for validating input before it is published). */
  typeFor(subject: string): Type {
    const id = this.writerIdBySubject.get(subject);
    const type = id === undefined ? undefined : this.typesById.get(id);
    if (!type) throw new AppError(ErrorCode.SCHEMA_UNKNOWN, `no schema loaded for subject ${subject}`);
    return type;
  }

  /**
   * A registry call that failed for want of the registry, as one line naming it and why: refused
   * credentials (401, 403) are a setting to correct; a request without an HTTP answer (refused
   * connection, untrusted certificate) is worth retrying. Other failures (an incompatible schema,
   * an unknown id) are left as they are.
   */
  private failure(error: unknown): unknown {
    const status = (error as { status?: number }).status;
    const message = error instanceof Error ? error.message : String(error);
    const reason = message
      .replace(/^Confluent_Schema_Registry - /, '')
      .replace(/^Error, status 400: /, '')
      .split('\n')[0]!
      .trim();
    const where = maskUrl(this.url);
    if (status === 401 || status === 403) {
      return new AppError(
        ErrorCode.REGISTRY_AUTH_FAILED,
        `the schema registry at ${where} refused the credentials of SCHEMA_REGISTRY_USERNAME (${reason})`,
        { cause: error },
      );
    }
    // The client reports a request that got no HTTP answer as status 400 with the socket's error.
    // Anything else (a schema the client cannot read, say a Protobuf one) is not an outage: left as
    // it is, so its records are dead-lettered rather than holding the partition up.
    if (
      status !== undefined &&
      /ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EPROTO|EAI_AGAIN|socket hang up|certificate|SSL routines/i.test(
        reason,
      )
    ) {
      const hint = clientCertificateHint(reason, this.presentsCertificate, [
        'SCHEMA_REGISTRY_CERT_FILE',
        'SCHEMA_REGISTRY_KEY_FILE',
      ]);
      return new AppError(
        ErrorCode.REGISTRY_UNREACHABLE,
        `cannot reach the schema registry at ${where} (${reason}${hint})`,
        { retriable: true, cause: error },
      );
    }
    return error;
  }

  private async load(id: number): Promise<void> {
    if (this.typesById.has(id)) return;
    const schema = await this.registry.getSchema(id);
    this.typesById.set(id, schema as unknown as Type);
  }
}

/** The schema id of the wire-format value at bytes[start, start + length), or undefined. */
export function schemaIdAt(bytes: Buffer, start: number, length: number): number | undefined {
  if (length < 5 || bytes[start] !== 0) return undefined;
  return bytes.readUInt32BE(start + 1);
}

export function schemaIdOf(value: Buffer | null): number | undefined {
  return value ? schemaIdAt(value, 0, value.length) : undefined;
}
