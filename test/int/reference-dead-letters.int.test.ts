import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { groupLag } from '../../services/cli/catch-up.ts';
import { reconciliationService } from '../../services/reconciliation/service.ts';
import { loadConfig } from '../../shared/config/config.ts';
import type { InputTopic } from '../../shared/kafka/topics.ts';
import { groupIdFor, startService, type RunningService } from '../../shared/service/consumer-service.ts';
import { openContext, type Context } from '../../shared/service/context.ts';
import { isolatedEnv } from '../support/isolated.ts';
import { header, readTopic } from '../../shared/kafka/read-topic.ts';
import { waitUntil } from '../support/service-process.ts';
import { publishRecords } from '../support/publish-records.ts';

const config = loadConfig({ ...process.env, ...isolatedEnv('ref-dlq') });
const contract = {
  acoId: 'R1',
  performanceYear: 2026,
  track: 'BASIC_A',
  benchmarkPerCapitaCents: 1_000_000,
  assignedBeneficiaries: 6_000,
  msrMlr: 'VARIABLE',
  qualityGate: 'MET',
  qualityScore: 90,
  participantRevenueCents: null,
};
let ctx: Context;
let service: RunningService;

const publish = (topic: InputTopic, values: object[]) => publishRecords(ctx, topic, values);

describe('reconciliation service: bad reference records are dead-lettered, good ones kept', () => {
  beforeAll(async () => {
    ctx = await openContext('test-ref-dlq', config);
    service = await startService(ctx, reconciliationService);
  });
  afterAll(async () => {
    await service?.stop();
    await ctx?.close();
  });

  it("sends each bad contract and price to its topic's dead-letter topic with the reason, and stores the good ones", async () => {
    await publish('aco-contracts', [
      contract,
      { ...contract, acoId: 'R2', msrMlr: '3.3' },
      { ...contract, acoId: 'R3', qualityScore: 140 },
      { ...contract, acoId: 'R4', assignedBeneficiaries: 0 },
      { ...contract, acoId: '' },
    ]);
    await publish('episode-prices', [
      { episodeCategory: 'MJRLE', facilityId: '*', targetPriceCents: 2_500_000 },
      { program: 'TEAM', episodeCategory: 'LEJR', facilityId: 'F1', targetPriceCents: 2_000_000 },
      { episodeCategory: 'KNEE_SCOPE', facilityId: '*', targetPriceCents: 100_000 },
      { program: 'TEAM', episodeCategory: 'CHF', facilityId: '*', targetPriceCents: 100_000 },
      { episodeCategory: 'CHF', facilityId: 'F1', targetPriceCents: -5 },
      { episodeCategory: 'CHF', facilityId: '', targetPriceCents: 900_000 },
    ]);
    const topics = [ctx.topics.input('aco-contracts'), ctx.topics.input('episode-prices')];
    await waitUntil(
      async () => (await groupLag(ctx.admin, groupIdFor(config.groupPrefix, 'reconciliation'), topics)) === 0,
      'the reference records to be processed',
    );

    const reasons = async (topic: InputTopic) =>
      (await readTopic(ctx.kafka, ctx.admin, ctx.topics.deadLetter(topic))).map((m) => header(m, 'vbc-reason')).sort();
    expect(await reasons('aco-contracts')).toEqual([
      'assignedBeneficiaries must be a positive whole number',
      'missing acoId',
      "msrMlr '3.3' is not VARIABLE or one of 0, 0.5, 1.0, 1.5, 2.0",
      'qualityScore must be from 0 to 100',
    ]);
    expect(await reasons('episode-prices')).toEqual([
      "episodeCategory 'CHF' is not a TEAM category (LEJR, SHFFT, CABG, MAJOR_BOWEL, SPINAL_FUSION; reference/team-episodes.json)",
      "episodeCategory 'KNEE_SCOPE' is not a BPCI_A category (MJRLE, CHF, COPD, AMI, ARRHYTHMIA, HIP_FEMUR, FRACTURE, CABG, GI_HEMORRHAGE, SEPSIS, PNEUMONIA, STROKE; reference/bpci-episodes.json)",
      'missing facilityId',
      'targetPriceCents must not be negative',
    ]);
    expect(Object.keys(await ctx.redis.hgetall(ctx.keys.contracts))).toEqual(['R1|2026']);
    expect(await ctx.redis.hgetall(ctx.keys.prices)).toEqual({
      'BPCI_A|MJRLE|*': '2500000',
      'TEAM|LEJR|F1': '2000000',
    });
    expect(await ctx.redis.hgetall(ctx.keys.deadLettered)).toEqual({
      'aco-contracts': '4',
      'episode-prices': '4',
    });
  });
});
