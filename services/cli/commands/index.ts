import { alertsCommand } from './alerts.ts';
import type { Command } from './command.ts';
import { dlqCommand } from './dlq.ts';
import { exportCommand } from './export.ts';
import { financeCommand } from './finance.ts';
import { hl7Command } from './hl7.ts';
import { importCommand } from './import.ts';
import { migrateStateCommand } from './migrate-state.ts';
import { provisionCommand } from './provision.ts';
import { rebuildCommand } from './rebuild.ts';
import { reconcileCommand } from './reconcile.ts';
import { replayCommand } from './replay.ts';
import { resetCommand } from './reset.ts';
import { runCommand } from './run.ts';
import { simulateCommand } from './simulate.ts';
import { stackCommand } from './stack.ts';
import { webCommand } from './web.ts';
import { statusCommand } from './status.ts';

export type { Command };

export const COMMANDS: Record<string, Command> = {
  stack: stackCommand,
  provision: provisionCommand,
  run: runCommand,
  status: statusCommand,
  reset: resetCommand,
  replay: replayCommand,
  import: importCommand,
  reconcile: reconcileCommand,
  export: exportCommand,
  simulate: simulateCommand,
  alerts: alertsCommand,
  finance: financeCommand,
  dlq: dlqCommand,
  hl7: hl7Command,
  web: webCommand,
  rebuild: rebuildCommand,
  'migrate-state': migrateStateCommand,
};
