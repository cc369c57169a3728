// Provider and model in one list, grouped by provider; each model says whether it would run on
// your personal key, the global key, or is unavailable, and why; on the global key, whether the
// user's plan covers it (billing/plan-coverage.ts).
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { KeySource } from '../api/types.ts';
import type { Coverage, PlanCoverage } from '../billing/plan-coverage.ts';
import { BILLING_ANCHOR } from '../billing/use-billing.ts';
import { KeySourceBadge } from '../components/key-source-badge.tsx';
import { type Catalog, providerName, sourceOf } from '../components/use-catalog.ts';

export interface ModelChoice {
  provider: string;
  model: string;
}

export const choiceValue = (choice: ModelChoice) => `${choice.provider}::${choice.model}`;

function parseChoice(value: string): ModelChoice {
  const separator = value.indexOf('::');
  return { provider: value.slice(0, separator), model: value.slice(separator + 2) };
}

/** The first model that would run now (personal key first), else the first model of all. */
export function defaultChoice(catalog: Catalog): ModelChoice | null {
  const ordered = [...catalog.providers].sort((a, b) => rank(sourceOf(catalog, a.id)) - rank(sourceOf(catalog, b.id)));
  for (const provider of ordered) {
    const model = provider.models[0];
    if (model) return { provider: provider.id, model: model.id };
  }
  return null;
}

const PLAN_MARKS = { covered: 'covered', not_covered: 'notCovered', needs_subscription: 'needsSubscription' } as const;

const rank = (source: KeySource) => (source === 'personal' ? 0 : source === 'global' ? 1 : 2);

export function ModelPicker({
  catalog,
  value,
  onChange,
  disabled = false,
  coverage = null,
}: {
  catalog: Catalog;
  value: ModelChoice | null;
  onChange: (choice: ModelChoice) => void;
  disabled?: boolean;
  /** Marks the global key's models the user's plan covers; null: no marks. */
  coverage?: PlanCoverage | null;
}) {
  const { t } = useTranslation();
  const id = useId();
  const source = value ? sourceOf(catalog, value.provider) : 'none';
  const coverageOf = (choice: ModelChoice, on: KeySource): Coverage | null =>
    coverage && on === 'global' ? coverage(`${choice.provider}/${choice.model}`) : null;
  const mark = (choice: ModelChoice, on: KeySource) => {
    const covered = coverageOf(choice, on);
    return covered ? ` · ${t(`chat.plan.${PLAN_MARKS[covered]}`)}` : '';
  };
  const chosenCoverage = value ? coverageOf(value, source) : null;
  const known = value
    ? catalog.providers.some(
        (provider) => provider.id === value.provider && provider.models.some((m) => m.id === value.model),
      )
    : false;

  return (
    <div className="model-picker">
      <label htmlFor={id}>{t('chat.model')}</label>
      <div className="model-picker-row">
        <select
          id={id}
          value={value ? choiceValue(value) : ''}
          onChange={(event) => onChange(parseChoice(event.target.value))}
          disabled={disabled}
          aria-describedby={`${id}-status`}
        >
          {value && !known && (
            <option value={choiceValue(value)}>{`${providerName(catalog, value.provider)} · ${value.model}`}</option>
          )}
          {catalog.providers.map((provider) => {
            const providerSource = sourceOf(catalog, provider.id);
            return (
              <optgroup key={provider.id} label={`${provider.name} — ${t(`chat.badge.${providerSource}`)}`}>
                {provider.models.map((model) => {
                  const choice = { provider: provider.id, model: model.id };
                  return (
                    <option key={model.id} value={choiceValue(choice)}>
                      {`${model.name} · ${t(`chat.source.${providerSource}`)}${mark(choice, providerSource)}`}
                    </option>
                  );
                })}
              </optgroup>
            );
          })}
        </select>
        {value && <KeySourceBadge source={source} />}
      </div>
      <div id={`${id}-status`} className="model-picker-status">
        {value && source === 'none' ? (
          <p className="unavailable-reason">
            {t('chat.unavailableReason', { provider: providerName(catalog, value.provider) })}{' '}
            <Link to="/profile">{t('chat.addKeyLink')}</Link>
          </p>
        ) : chosenCoverage && chosenCoverage !== 'covered' ? (
          <p className="unavailable-reason">
            {t(chosenCoverage === 'not_covered' ? 'chat.notCoveredReason' : 'chat.needsSubscriptionReason')}{' '}
            <Link to={`/profile#${BILLING_ANCHOR}`}>{t('chat.plansLink')}</Link>
          </p>
        ) : (
          value && <span className="visually-hidden">{t('chat.willUse', { source: t(`chat.source.${source}`) })}</span>
        )}
      </div>
    </div>
  );
}
