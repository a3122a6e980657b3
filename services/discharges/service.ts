import type { ServiceSpec } from '../../shared/service/consumer-service.ts';
import { factApplier } from '../../shared/service/fact-applier.ts';

/** Discharges service: ADT discharges; a corrected discharge for an encounter replaces the earlier one. */
export const dischargesService: ServiceSpec = {
  name: 'discharges',
  topics: ['discharges'],
  apply: factApplier('discharges', () => true),
};
