/** CCLF fixture lines for tests: the product's own writer (shared/adapters/cclf.ts). */
export { formatCclfLine as cclfLine } from '../../shared/adapters/cclf.ts';
