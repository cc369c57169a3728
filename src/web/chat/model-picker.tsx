// Provider and model in one searchable list (an ARIA combobox over a listbox), grouped by
// provider; each model shows its price tier, a one-line description and whether it would run on
// your personal key, the global key, or is unavailable, and why; on the global key, whether the
// user's plan covers it (billing/plan-coverage.ts). Type to filter; ↑/↓ move, Enter chooses,
// Escape closes.
import { type KeyboardEvent, useId, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { KeySource, ProviderModel } from '../api/types.ts';
import type { Coverage, PlanCoverage } from '../billing/plan-coverage.ts';
import { BILLING_ANCHOR } from '../billing/use-billing.ts';
import { KeySourceBadge } from '../components/key-source-badge.tsx';
import { type Catalog, providerName, sourceOf } from '../components/use-catalog.ts';
import { TIER_MARKS } from './model-tier.ts';

export interface ModelChoice {
  provider: string;
  model: string;
}

export const choiceValue = (choice: ModelChoice) => `${choice.provider}::${choice.model}`;

/** Whether the catalogue lists this choice now. */
export function isListed(catalog: Catalog, choice: ModelChoice): boolean {
  return catalog.providers.some(
    (provider) => provider.id === choice.provider && provider.models.some((model) => model.id === choice.model),
  );
}

/**
 * Where a new chat starts: the server's default (the operator's, or the cheapest that runs) when
 * listed, else the first model that would run now (personal key first), else the first of all.
 */
export function defaultChoice(catalog: Catalog): ModelChoice | null {
  const chosen = catalog.defaultModel;
  if (chosen) {
    const separator = chosen.indexOf('/');
    const choice = { provider: chosen.slice(0, separator), model: chosen.slice(separator + 1) };
    if (isListed(catalog, choice)) return choice;
  }
  const ordered = [...catalog.providers].sort((a, b) => rank(sourceOf(catalog, a.id)) - rank(sourceOf(catalog, b.id)));
  for (const provider of ordered) {
    const model = provider.models[0];
    if (model) return { provider: provider.id, model: model.id };
  }
  return null;
}

const PLAN_MARKS = { covered: 'covered', not_covered: 'notCovered', needs_subscription: 'needsSubscription' } as const;

const rank = (source: KeySource) => (source === 'personal' ? 0 : source === 'global' ? 1 : 2);

interface Entry {
  choice: ModelChoice;
  model: ProviderModel;
  providerName: string;
  source: KeySource;
  optionId: string;
}

const normalise = (text: string) =>
  text
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase();

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
  const { t, i18n } = useTranslation();
  const id = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  const [open, setOpen] = useState(false);
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const language = i18n.language.startsWith('fr') ? 'fr' : 'en';
  const source = value ? sourceOf(catalog, value.provider) : 'none';
  const coverageOf = (choice: ModelChoice, on: KeySource): Coverage | null =>
    coverage && on === 'global' ? coverage(`${choice.provider}/${choice.model}`) : null;
  const chosenCoverage = value ? coverageOf(value, source) : null;

  const entries = useMemo<Entry[]>(
    () =>
      catalog.providers.flatMap((provider, providerIndex) =>
        provider.models.map((model, modelIndex) => ({
          choice: { provider: provider.id, model: model.id },
          model,
          providerName: provider.name,
          source: sourceOf(catalog, provider.id),
          optionId: `${id}-option-${providerIndex}-${modelIndex}`,
        })),
      ),
    [catalog, id],
  );
  const words = normalise(query).split(/\s+/).filter(Boolean);
  const shown = entries.filter((entry) => {
    if (words.length === 0) return true;
    const text = normalise(
      `${entry.model.name} ${entry.model.id} ${entry.providerName} ${entry.model.description?.[language] ?? ''}`,
    );
    return words.every((word) => text.includes(word));
  });
  const activeEntry = open ? shown[Math.min(active, shown.length - 1)] : undefined;

  const chosenEntry = value
    ? entries.find((entry) => entry.choice.provider === value.provider && entry.choice.model === value.model)
    : undefined;
  const chosenLabel = value
    ? chosenEntry
      ? `${chosenEntry.model.name} · ${chosenEntry.providerName}`
      : `${providerName(catalog, value.provider)} · ${value.model}`
    : '';

  const openList = () => {
    if (disabled) return;
    setOpen(true);
    setQuery('');
    const index = chosenEntry ? entries.indexOf(chosenEntry) : 0;
    setActive(Math.max(index, 0));
  };
  const close = () => {
    setOpen(false);
    setQuery('');
  };
  const choose = (entry: Entry) => {
    onChange(entry.choice);
    close();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      if (!open) return openList();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      setActive((index) => Math.min(Math.max(Math.min(index, shown.length - 1) + step, 0), shown.length - 1));
    } else if (event.key === 'Home' && open) {
      event.preventDefault();
      setActive(0);
    } else if (event.key === 'End' && open) {
      event.preventDefault();
      setActive(shown.length - 1);
    } else if (event.key === 'Enter') {
      if (!open) return;
      event.preventDefault();
      if (activeEntry) choose(activeEntry);
    } else if (event.key === 'Escape') {
      if (open) {
        event.preventDefault();
        close();
      }
    }
  };

  const mark = (entry: Entry) => {
    const covered = coverageOf(entry.choice, entry.source);
    return covered ? ` · ${t(`chat.plan.${PLAN_MARKS[covered]}`)}` : '';
  };

  // Groups in catalogue order, each with what the search left of it.
  const groups = catalog.providers
    .map((provider, providerIndex) => ({
      provider,
      labelId: `${id}-group-${providerIndex}`,
      items: shown.filter((entry) => entry.choice.provider === provider.id),
    }))
    .filter((group) => group.items.length > 0);

  return (
    <div className="model-picker">
      <label id={`${id}-label`} htmlFor={id}>
        {t('chat.model')}
      </label>
      <div className="model-picker-row">
        <div className="model-combobox">
          <input
            ref={inputRef}
            id={id}
            type="text"
            role="combobox"
            autoComplete="off"
            spellCheck={false}
            aria-autocomplete="list"
            aria-expanded={open}
            aria-controls={`${id}-listbox`}
            aria-activedescendant={activeEntry?.optionId}
            aria-describedby={`${id}-status`}
            placeholder={open ? t('chat.modelSearch') : undefined}
            value={open ? query : chosenLabel}
            disabled={disabled}
            onChange={(event) => {
              if (!open) setOpen(true);
              setQuery(event.target.value);
              setActive(0);
            }}
            // Typing replaces the chosen model's name shown here: the search starts afresh.
            onFocus={(event) => event.target.select()}
            onClick={() => {
              if (!open) openList();
            }}
            onKeyDown={onKeyDown}
            onBlur={close}
          />
          <div
            id={`${id}-listbox`}
            role="listbox"
            aria-labelledby={`${id}-label`}
            className="model-listbox"
            hidden={!open}
          >
            {open && groups.length === 0 && (
              <p className="model-listbox-empty" role="presentation">
                {t('chat.modelNoMatch')}
              </p>
            )}
            {open &&
              groups.map((group) => {
                const providerSource = sourceOf(catalog, group.provider.id);
                return (
                  // biome-ignore lint/a11y/useSemanticElements: a listbox's groups are role="group" (a fieldset is for form controls).
                  <div key={group.provider.id} role="group" aria-labelledby={group.labelId}>
                    <div id={group.labelId} role="presentation" className="model-group-label">
                      {`${group.provider.name} — ${t(`chat.badge.${providerSource}`)}`}
                    </div>
                    {group.items.map((entry) => {
                      const selected = value?.provider === entry.choice.provider && value.model === entry.choice.model;
                      const tier = entry.model.tier;
                      return (
                        <div
                          key={entry.optionId}
                          id={entry.optionId}
                          role="option"
                          // Focus stays in the input (aria-activedescendant points here).
                          tabIndex={-1}
                          aria-selected={selected}
                          className={`model-option${entry === activeEntry ? ' active' : ''}`}
                          // Chosen on mouse down, before the input's blur closes the list.
                          onMouseDown={(event) => {
                            event.preventDefault();
                            choose(entry);
                          }}
                        >
                          <span className="model-option-name">
                            {entry.model.name}
                            {tier && (
                              <span className={`model-tier model-tier-${tier}`}>
                                {' '}
                                <span aria-hidden="true">{TIER_MARKS[tier]}</span>
                                <span className="visually-hidden">{t(`chat.tier.${tier}`)}</span>
                              </span>
                            )}
                          </span>
                          <span className="model-option-detail">
                            {`${t(`chat.source.${entry.source}`)}${mark(entry)}`}
                            {tier && <span aria-hidden="true">{` · ${t(`chat.tier.${tier}`)}`}</span>}
                          </span>
                          {entry.model.description && (
                            <span className="model-option-description">{entry.model.description[language]}</span>
                          )}
                        </div>
                      );
                    })}
                  </div>
                );
              })}
          </div>
        </div>
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
