import type { SystemStore } from './ports/storage.js';

/** Instance-wide settings documents (e.g. Xata's workspace settings), stored as given and merged on update. */
export class InstanceSettings {
  constructor(private readonly system: SystemStore) {}

  async get(key: string): Promise<Record<string, unknown>> {
    return ((await this.system.getSetting(key)) ?? {}) as Record<string, unknown>;
  }

  /** Merges `patch` into the stored document (top-level keys) and returns the result. */
  async merge(key: string, patch: Record<string, unknown>): Promise<Record<string, unknown>> {
    const next = { ...(await this.get(key)), ...patch };
    await this.system.putSetting(key, next);
    return next;
  }
}
