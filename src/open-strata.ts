import { Strata } from './core/strata.js';
import type { OpsConfig } from './config-ops.js';
import type { RecorderTiming } from './core/history/history-recorder.js';
import { openStorage, type StorageConfig } from './storage/open-storage.js';

/** The composition root: the storage engine the configuration names, under the core. */
export async function openStrata(config: StorageConfig & { ops?: Partial<OpsConfig> }, historyTiming?: Partial<RecorderTiming>): Promise<Strata> {
  return new Strata(await openStorage(config), config.ops, historyTiming);
}
