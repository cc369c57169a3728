// What a user may use on the global keys, decided in one place: the operator's offer (the
// model_settings row) ∩ the user's plan (billing) ∩ the user's group. The completion gate refuses
// what it leaves out (billing-gate.ts), and the lists that show only what can be used (/v1/models,
// GET /api/providers) filter by it. Personal keys are never its business: their owner chooses.
//
// The offer is a cached snapshot, read again on every instance through the change bus when an
// admin changes it, so a call reads no table for it. The group's list is the groups module's,
// read only through the small GroupModels interface (its own cache is its business).
import type { Access } from '../billing/billing-access.ts';
import { opensGlobalModel } from '../billing/billing-access.ts';
import { createCachedSnapshot } from '../cache/cached-snapshot.ts';
import type { ChangeBus } from '../cache/change-bus.ts';
import { catalogue, cheapestOf } from './model-catalogue.ts';
import type { ModelRestriction } from './model-errors.ts';
import { DEFAULT_MODEL_SETTINGS, type ModelSettings, type ModelSettingsStore } from './model-settings-store.ts';

export const MODEL_SETTINGS_CHANNEL = 'model-settings';

/** Read again after this long even without a notice (a safety net: every change sends one). */
const CACHE_TTL_MS = 60_000;

/**
 * What the groups module tells about a user's models on the global keys. WeBox reads a group's
 * list only through this (never its tables), and only when the app has one (`app.groups`).
 */
export interface GroupModels {
  /** `provider/model` ids the user's group allows on the global keys; null: no group, or no restriction. */
  modelsOf(userId: string): Promise<string[] | null>;
}

/** The lists that bound one user on the global keys, read once for a call or a listing. */
export interface GlobalModelRules {
  /** Which list leaves this `provider/model` out, tried offer, group, plan; null: the user may use it. */
  restriction(modelId: string): ModelRestriction | null;
  allows(modelId: string): boolean;
}

export function createModelAccess(options: {
  store: ModelSettingsStore;
  bus: ChangeBus;
  /** The groups module's answer, when the app has one (read at each use: it may register later). */
  groups: () => GroupModels | undefined;
}) {
  const { store, bus } = options;
  const snapshot = createCachedSnapshot<ModelSettings>({
    load: () => store.read(),
    initial: DEFAULT_MODEL_SETTINGS,
    maxAgeMs: CACHE_TTL_MS,
  });
  snapshot.follow(bus, MODEL_SETTINGS_CHANNEL);
  // One Set per landed snapshot, not one per call.
  let offeredFor: ModelSettings | null = null;
  let offeredSet: ReadonlySet<string> | null = null;
  const offered = (): ReadonlySet<string> | null => {
    const current = snapshot.current();
    if (current !== offeredFor) {
      offeredFor = current;
      offeredSet = current.offered === null ? null : new Set(current.offered);
    }
    return offeredSet;
  };

  return {
    /** Reads the row once before the server answers (the snapshot starts on the defaults). */
    ready: () => snapshot.refresh(),
    settings: (): ModelSettings => snapshot.current(),
    isOffered: (modelId: string) => offered()?.has(modelId) ?? true,

    /** After a write: here at once (the answer already sees it), then on the other instances. */
    async changed() {
      await bus.publish(MODEL_SETTINGS_CHANNEL, 'settings');
      await snapshot.refresh();
    },

    /**
     * The user's rules on the global keys. `billing`: the user's billing decision, whose plan
     * applies (admins: never restricted by a plan); null leaves the plan out (the chat's catalogue,
     * which marks the plan's models rather than hiding them).
     */
    async rulesFor(userId: string, billing: Access | null): Promise<GlobalModelRules> {
      const offer = offered();
      const groupList = (await options.groups()?.modelsOf(userId)) ?? null;
      const group = groupList === null ? null : new Set(groupList);
      const restriction = (modelId: string): ModelRestriction | null => {
        if (offer !== null && !offer.has(modelId)) return 'offer';
        if (group !== null && !group.has(modelId)) return 'group';
        if (billing !== null && !opensGlobalModel(billing, modelId)) return 'plan';
        return null;
      };
      return { restriction, allows: (modelId) => restriction(modelId) === null };
    },

    /**
     * Where a new chat starts: the operator's default if it would run (`runs`: for this user, on
     * whichever key), else the cheapest catalogue model that would; null: none.
     */
    defaultFor(runs: (modelId: string) => boolean): string | null {
      const chosen = snapshot.current().defaultModel;
      if (chosen !== null && runs(chosen)) return chosen;
      return cheapestOf(catalogue.filter((entry) => runs(entry.id)).map((entry) => entry.id));
    },
  };
}

export type ModelAccess = ReturnType<typeof createModelAccess>;
