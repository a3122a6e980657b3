import type { ServiceSpec } from '../shared/service/consumer-service.ts';
import { admissionsService } from './admissions/service.ts';
import { claimsService } from './claims/service.ts';
import { dischargesService } from './discharges/service.ts';
import { reconciliationService } from './reconciliation/service.ts';

/** Every consumer service, by name: what `vbc run all` starts. */
export const SERVICES: Record<string, ServiceSpec> = {
  claims: claimsService,
  admissions: admissionsService,
  discharges: dischargesService,
  reconciliation: reconciliationService,
};
