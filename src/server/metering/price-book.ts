// Dated prices per provider and model, held in memory (a few hundred rows) and reloaded when an
// admin adds one (here at once, elsewhere through the change bus); reloads that overlap land in
// the order they started (the cached snapshot). The catalogue's list prices are seeded once,
// effective from CATALOGUE_PRICES_FROM; a later row replaces them from its date on.
import { and, asc, eq } from 'drizzle-orm';
import type { AuditActor, AuditTrail } from '../audit/audit-trail.ts';
import { createCachedSnapshot } from '../cache/cached-snapshot.ts';
import type { ChangeBus } from '../cache/change-bus.ts';
import type { Database } from '../db/client.ts';
import { modelPrice } from '../db/schema/metering.ts';
import { providerErrors } from '../providers/provider-errors.ts';
import { isProviderId, providers } from '../providers/registry.ts';
import type { Price } from './cost.ts';

export const CATALOGUE_PRICES_FROM = new Date('2025-01-01T00:00:00Z');
const PRICE_CHANNEL = 'model-price';
/** The prices are read again on use after this long even without a change notice (a safety net). */
const MAX_AGE_MS = 60_000;

type PriceRow = typeof modelPrice.$inferSelect;

/** A price as the API answers it (GET /api/admin/prices). */
const priceView = (row: PriceRow) => ({
  id: row.id,
  provider: row.provider,
  model: row.model,
  effectiveFrom: row.effectiveFrom.toISOString(),
  inputMicrousdPerMtok: row.inputMicrousdPerMtok,
  outputMicrousdPerMtok: row.outputMicrousdPerMtok,
  cachedInputMicrousdPerMtok: row.cachedInputMicrousdPerMtok,
  createdBy: row.createdBy,
});

export function createPriceBook(options: { db: Database; bus: ChangeBus; audit: AuditTrail }) {
  const { db, bus, audit } = options;
  /** `${provider}/${model}` → rows by effectiveFrom ascending. */
  const byModel = createCachedSnapshot({
    initial: new Map<string, PriceRow[]>(),
    maxAgeMs: MAX_AGE_MS,
    async load() {
      const rows = await db.select().from(modelPrice).orderBy(asc(modelPrice.effectiveFrom));
      const next = new Map<string, PriceRow[]>();
      for (const row of rows) {
        const key = `${row.provider}/${row.model}`;
        next.set(key, [...(next.get(key) ?? []), row]);
      }
      return next;
    },
  });
  byModel.follow(bus, PRICE_CHANNEL);

  /** The price in force at `at`, or null for a model with no price (metered as unpriced). */
  function priceAt(provider: string, model: string, at: Date): Price | null {
    const rows = byModel.current().get(`${provider}/${model}`);
    if (!rows) return null;
    let found: PriceRow | null = null;
    for (const row of rows) {
      if (row.effectiveFrom.getTime() <= at.getTime()) found = row;
      else break;
    }
    return found
      ? {
          id: found.id,
          inputMicrousdPerMtok: found.inputMicrousdPerMtok,
          outputMicrousdPerMtok: found.outputMicrousdPerMtok,
          cachedInputMicrousdPerMtok: found.cachedInputMicrousdPerMtok,
        }
      : null;
  }

  return {
    /** Inserts the catalogue's list prices that are not there yet; idempotent. */
    async seedCatalogue() {
      for (const provider of providers) {
        for (const model of provider.models) {
          const existing = await db
            .select({ id: modelPrice.id })
            .from(modelPrice)
            .where(and(eq(modelPrice.provider, provider.id), eq(modelPrice.model, model.id)))
            .limit(1);
          if (existing.length > 0) continue;
          await db.insert(modelPrice).values({
            provider: provider.id,
            model: model.id,
            effectiveFrom: CATALOGUE_PRICES_FROM,
            ...model.pricing,
            createdBy: 'catalogue',
          });
        }
      }
      await byModel.invalidate();
    },

    /** Reads the prices again; resolves once they are in force here. */
    reload: () => byModel.invalidate(),

    priceAt,

    list() {
      return [...byModel.current().values()].flat().map(priceView);
    },

    /** An admin's new price, applying from its date; history is never rewritten. */
    async add(
      actor: AuditActor & { userId: string },
      input: {
        provider: string;
        model: string;
        effectiveFrom: string;
        inputMicrousdPerMtok: number;
        outputMicrousdPerMtok: number;
        cachedInputMicrousdPerMtok?: number | null;
      },
    ) {
      if (!isProviderId(input.provider)) {
        throw providerErrors.unknownProvider(input.provider);
      }
      const model = `${input.provider}/${input.model}`;
      const before = priceAt(input.provider, input.model, new Date(input.effectiveFrom));
      const row = await db.transaction(async (tx) => {
        const [inserted] = await tx
          .insert(modelPrice)
          .values({
            provider: input.provider,
            model: input.model,
            effectiveFrom: new Date(input.effectiveFrom),
            inputMicrousdPerMtok: input.inputMicrousdPerMtok,
            outputMicrousdPerMtok: input.outputMicrousdPerMtok,
            cachedInputMicrousdPerMtok: input.cachedInputMicrousdPerMtok ?? null,
            createdBy: actor.userId,
          })
          .returning();
        if (!inserted) throw new Error('price insert returned no row');
        // The price in force at that date until now beside the new one: what the change changed.
        await audit.record(tx, {
          action: 'price.changed',
          actor,
          target: { kind: 'price', id: inserted.id },
          details: {
            model,
            effectiveFrom: inserted.effectiveFrom.toISOString(),
            inputMicrousdPerMtok: inserted.inputMicrousdPerMtok,
            outputMicrousdPerMtok: inserted.outputMicrousdPerMtok,
            cachedInputMicrousdPerMtok: inserted.cachedInputMicrousdPerMtok ?? null,
            inputMicrousdPerMtokBefore: before?.inputMicrousdPerMtok ?? null,
            outputMicrousdPerMtokBefore: before?.outputMicrousdPerMtok ?? null,
            cachedInputMicrousdPerMtokBefore: before?.cachedInputMicrousdPerMtok ?? null,
          },
        });
        return inserted;
      });
      // The notice starts the reload here too; the answer waits for it to land.
      await bus.publish(PRICE_CHANNEL, 'changed');
      await byModel.refresh();
      if (!row) throw new Error('price insert returned no row');
      return { ...priceView(row), createdAt: row.createdAt.toISOString() };
    },
  };
}

export type PriceBook = ReturnType<typeof createPriceBook>;
