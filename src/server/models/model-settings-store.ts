// The one model_settings row (no row: every model offered, no default chosen).
import { eq } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { modelSettings } from '../db/schema/models.ts';

export interface ModelSettings {
  /** null: every catalogue model. */
  offered: string[] | null;
  /** null: the cheapest offered one. */
  defaultModel: string | null;
}

export const DEFAULT_MODEL_SETTINGS: ModelSettings = { offered: null, defaultModel: null };

const SETTINGS_ID = 1;

export function createModelSettingsStore(db: Database) {
  return {
    async read(): Promise<ModelSettings> {
      const [row] = await db.select().from(modelSettings).where(eq(modelSettings.id, SETTINGS_ID));
      return row ? { offered: row.offered ?? null, defaultModel: row.defaultModel ?? null } : DEFAULT_MODEL_SETTINGS;
    },

    async write(settings: ModelSettings, adminId: string) {
      const values = { ...settings, updatedBy: adminId, updatedAt: new Date() };
      await db
        .insert(modelSettings)
        .values({ id: SETTINGS_ID, ...values })
        .onConflictDoUpdate({ target: modelSettings.id, set: values });
    },
  };
}

export type ModelSettingsStore = ReturnType<typeof createModelSettingsStore>;
