import type { HistoryConfig } from '../../config-ops.js';
import type { HistoryQuery, HistoryRow } from '../ports/history-store.js';
import type { Storage } from '../ports/storage.js';
import { HistoryRecorder, type RecorderTiming } from './history-recorder.js';
import type { SecretColumnSource } from './secret-columns.js';

/** Request history: the recorder (requests → batches → storage), searches and retention. */
export class HistoryService {
  readonly recorder: HistoryRecorder;

  constructor(private readonly storage: Storage, secrets: SecretColumnSource, config: HistoryConfig, timing?: Partial<RecorderTiming>) {
    this.recorder = new HistoryRecorder(storage.history, async (name) => (await storage.system.findDatabase(name))?.id, secrets, config, timing);
  }

  search(query: HistoryQuery): Promise<Array<HistoryRow & { id: number }>> {
    return this.storage.history.search(query);
  }

  prune(now?: number): Promise<number> {
    return this.recorder.prune(now);
  }

  close(): Promise<void> {
    return this.recorder.close();
  }
}
