import { SCHEDULES, type ReconciliationSchedule } from '../domain/schedule.ts';
import { AppError, ErrorCode } from '../errors/app-error.ts';
import { envReader, type Env } from './env-reader.ts';
import { loadMllp, type MllpConfig } from './mllp.ts';
import { loadSecurity, maskUrl, type SecurityConfig } from './security.ts';
import { loadWeb, type WebConfig } from './web.ts';

/**
 * The product's configuration, read from the environment once at start and validated as a whole:
 * every bad setting is reported, one line each, before anything connects.
 */
export interface Config {
  kafkaBrokers: string[];
  kafkaClientId: string;
  /** Prefix of every topic name, so several deployments (or tests) share one cluster. */
  topicPrefix: string;
  /**
   * Prefix of the services' consumer group ids (default: the topic prefix). A new prefix makes the
   * services re-consume every retained record from offset 0 into the same state (a no-op replay).
   */
  groupPrefix: string;
  partitions: number;
  schemaRegistryUrl: string;
  redisUrl: string;
  /** Seed nodes of a Redis Cluster (REDIS_CLUSTER_NODES); empty: the one Redis at redisUrl. */
  redisClusterNodes: string[];
  /** Prefix of every Redis key, for the same reason as topicPrefix. */
  redisPrefix: string;
  /** How long a service may try to reach Kafka at start before it gives up (ms). */
  connectTimeoutMs: number;
  logLevel: string;
  /** EPISODE_OVERRUN thresholds, percent of target. */
  overrunThresholds: number[];
  /** Interim MSSP reconciliations by the reconciliation service, in event time (off by default, see README). */
  msspSchedule: ReconciliationSchedule;
  /** How often (wall-clock ms) the reconciliation service looks whether event time made a run due. */
  scheduleCheckMs: number;
  /** Where `vbc run` serves /metrics, /healthz and /readyz (port 0: not at all). */
  metricsHost: string;
  metricsPort: number;
  /**
   * Consumer tuning: bytes fetched per partition, and partitions processed at once per service
   * (null: the service's own default, see ServiceSpec.partitionsInFlight).
   */
  fetchBytesPerPartition: number;
  partitionsInFlight: number | null;
  /**
   * Records of a batch processed as one unit (whole beneficiaries: a key's records stay together;
   * 0: the whole batch), so that what a unit allocates dies young (work-units.ts).
   */
  workUnitRecords: number;
  /**
   * The CPU priority (nice value, 0 to 19) of a `vbc run` process on a shared host: higher yields
   * the CPU to others (null: the services' own, see ServiceSpec.cpuNice).
   */
  cpuNice: number | null;
  /**
   * Beneficiaries whose last committed state a service keeps in memory, so their next records need
   * no read from Redis (0: none). Each costs about 270 bytes of heap per claim record held.
   */
  stateCacheSize: number;
  /** Heap the state cache may take (MB, approximately: states weigh their facts, state-cache.ts). */
  stateCacheMb: number;
  /**
   * Beneficiaries whose last committed version and totals summary a service keeps (about 240 bytes
   * each), so their next claim records that only add to totals need no read (summary-cache.ts; 0: none).
   */
  summaryCacheSize: number;
  /**
   * Days after December 31 until a performance year closes in event time (CMS: three months of
   * claims run-out); its claim records are then folded into per-beneficiary summaries and later
   * claims of it refused. null (VBC_CLAIMS_RUNOUT_DAYS=off): years never close, nothing expires.
   */
  claimsRunoutDays: number | null;
  /**
   * How many days after a record was published its service dates may lie before the record is
   * taken for a typo (DATE_IMPLAUSIBLE, dead-lettered): claims describe care already given, ADT
   * records stays already begun. null (VBC_MAX_DAYS_AHEAD=off): no upper bound.
   */
  maxDaysAhead: number | null;
  /**
   * Distinct claim records of a claims partition that must have reached a date before that
   * partition's event clock does (the clock that scheduled reconciliations run by): a handful of
   * mistyped dates cannot move it.
   */
  clockQuorum: number;
  /** TLS, SASL and passwords (see security.ts); never logged. */
  security: SecurityConfig;
  /** The HL7 ADT gateway's MLLP listener (see mllp.ts). */
  mllp: MllpConfig;
  /** The web application (worklist, patient pages, finance; see web.ts). */
  web: WebConfig;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];

  const str = (name: string, fallback: string): string => {
    const value = env[name];
    return value === undefined || value.trim() === '' ? fallback : value.trim();
  };
  const { int } = envReader(env, problems);
  const url = (name: string, fallback: string, protocols: string[]): string => {
    const value = str(name, fallback);
    try {
      const parsed = new URL(value);
      if (!protocols.includes(parsed.protocol)) {
        problems.push(`${name}=${maskUrl(value)} must use ${protocols.join(' or ')}`);
      }
    } catch {
      problems.push(`${name}=${value} is not a URL`);
    }
    return value;
  };

  const brokers = str('KAFKA_BROKERS', '127.0.0.1:9092')
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);
  for (const broker of brokers) {
    if (!/^[^:\s]+:\d{1,5}$/.test(broker)) problems.push(`KAFKA_BROKERS entry '${broker}' must be host:port`);
  }

  // Redis Cluster: seed nodes as host:port (or redis:// / rediss:// URLs); REDIS_URL is then unused.
  const redisClusterNodes = str('REDIS_CLUSTER_NODES', '')
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  for (const node of redisClusterNodes) {
    if (!/^((redis|rediss):\/\/)?[^:\s/]+:\d{1,5}\/?$/.test(node))
      problems.push(`REDIS_CLUSTER_NODES entry '${node}' must be host:port or redis[s]://host:port`);
  }

  const logLevel = str('LOG_LEVEL', 'info');
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`LOG_LEVEL=${logLevel} must be one of ${LOG_LEVELS.join(', ')}`);

  const thresholdsRaw = str('VBC_OVERRUN_THRESHOLDS', '80,100');
  const overrunThresholds = thresholdsRaw.split(',').map((t) => Number(t.trim()));
  if (overrunThresholds.some((t) => !Number.isInteger(t) || t <= 0 || t > 1000)) {
    problems.push(`VBC_OVERRUN_THRESHOLDS=${thresholdsRaw} must be a comma-separated list of whole percents`);
  }

  const topicPrefix = str('VBC_TOPIC_PREFIX', 'vbc.');
  if (!/^[A-Za-z0-9._-]*$/.test(topicPrefix))
    problems.push(`VBC_TOPIC_PREFIX=${topicPrefix} may hold only letters, digits, '.', '_' and '-'`);

  const msspSchedule = str('VBC_MSSP_SCHEDULE', 'off') as ReconciliationSchedule;
  if (!SCHEDULES.includes(msspSchedule))
    problems.push(`VBC_MSSP_SCHEDULE=${msspSchedule} must be one of ${SCHEDULES.join(', ')}`);

  const config: Config = {
    kafkaBrokers: brokers,
    kafkaClientId: str('KAFKA_CLIENT_ID', 'vbc'),
    topicPrefix,
    groupPrefix: str('VBC_GROUP_PREFIX', topicPrefix),
    partitions: int('VBC_PARTITIONS', 6, 1, 1000),
    schemaRegistryUrl: url('SCHEMA_REGISTRY_URL', 'http://127.0.0.1:8081', ['http:', 'https:']),
    redisUrl: url('REDIS_URL', 'redis://127.0.0.1:6379', ['redis:', 'rediss:']),
    redisClusterNodes,
    redisPrefix: str('VBC_REDIS_PREFIX', 'vbc'),
    connectTimeoutMs: int('VBC_CONNECT_TIMEOUT_MS', 20000, 1000, 600000),
    logLevel,
    overrunThresholds: [...new Set(overrunThresholds)].sort((a, b) => a - b),
    msspSchedule,
    scheduleCheckMs: int('VBC_SCHEDULE_CHECK_MS', 5000, 100, 3_600_000),
    metricsHost: str('VBC_METRICS_HOST', '127.0.0.1'),
    metricsPort: int('VBC_METRICS_PORT', 9464, 0, 65535),
    fetchBytesPerPartition: int('VBC_FETCH_BYTES_PER_PARTITION', 4 * 1024 * 1024, 64 * 1024, 256 * 1024 * 1024),
    partitionsInFlight: str('VBC_PARTITIONS_IN_FLIGHT', '') === '' ? null : int('VBC_PARTITIONS_IN_FLIGHT', 6, 1, 64),
    workUnitRecords: int('VBC_WORK_UNIT_RECORDS', 4000, 0, 10_000_000),
    cpuNice: str('VBC_CPU_NICE', '') === '' ? null : int('VBC_CPU_NICE', 0, 0, 19),
    stateCacheSize: int('VBC_STATE_CACHE_SIZE', 50_000, 0, 10_000_000),
    stateCacheMb: int('VBC_STATE_CACHE_MB', 256, 1, 65_536),
    summaryCacheSize: int('VBC_SUMMARY_CACHE_SIZE', 500_000, 0, 100_000_000),
    claimsRunoutDays: str('VBC_CLAIMS_RUNOUT_DAYS', '') === 'off' ? null : int('VBC_CLAIMS_RUNOUT_DAYS', 90, 0, 365),
    maxDaysAhead: str('VBC_MAX_DAYS_AHEAD', '') === 'off' ? null : int('VBC_MAX_DAYS_AHEAD', 730, 0, 36_500),
    clockQuorum: int('VBC_CLOCK_QUORUM', 100, 1, 100_000),
    security: loadSecurity(env, problems),
    mllp: loadMllp(env, problems),
    web: loadWeb(env, problems),
  };

  if (problems.length > 0) {
    throw new AppError(ErrorCode.CONFIG_INVALID, `invalid configuration: ${problems.join('; ')}`);
  }
  return config;
}
