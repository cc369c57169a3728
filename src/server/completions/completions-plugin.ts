// The completion pipeline as app.completions, for every surface that calls a model. Its gates are
// listed here, once: a check every call must pass before admission is one line in this list.
import fastifyPlugin from 'fastify-plugin';
import { createBillingGate } from '../billing/billing-gate.ts';
import { createGroupGate } from '../groups/group-gate.ts';
import { createCallMetrics } from '../metrics/call-metrics.ts';
import { createUsableModels } from '../models/usable-models.ts';
import { type CompletionPipeline, createCompletionPipeline, planGate } from './completion-pipeline.ts';

declare module 'fastify' {
  interface FastifyInstance {
    completions: CompletionPipeline;
  }
}

export const completionsPlugin = fastifyPlugin(
  async (app) => {
    app.decorate(
      'completions',
      createCompletionPipeline({
        config: app.config,
        vault: app.vault,
        metering: app.metering,
        drain: app.drain,
        gates: [
          // What the surface's own request may not do on this source (e.g. /v1's priced extras on
          // the operator's key).
          planGate,
          // Who may use the global keys at all (the subscription policy), and on which models (the
          // operator's offer ∩ the plan ∩ the group).
          createBillingGate(app.billing.access, app.models.access, app.billing.subscribeUrl),
          // The user's group's budget on the global keys (held in budgetInForce's order).
          createGroupGate(app.groups),
        ],
        alternatives: createUsableModels({ vault: app.vault, billing: app.billing.access, access: app.models.access }),
        observe: createCallMetrics(app.metrics).observe,
      }),
    );
  },
  {
    name: 'webox-completions',
    dependencies: ['webox-metrics', 'webox-vault', 'webox-metering', 'webox-billing', 'webox-groups', 'webox-models'],
  },
);
