import type { ServiceSpec } from '../../shared/service/consumer-service.ts';
import { factApplier } from '../../shared/service/fact-applier.ts';

/**
 * Claims service: adjudicated claims and the attribution roster they are counted by. Attribution is
 * consumed here because a roster change moves a beneficiary's amounts between ACOs.
 */
export const claimsService: ServiceSpec = {
  name: 'claims',
  topics: ['claims', 'attribution'],
  apply: factApplier('claims', () => false),
};
