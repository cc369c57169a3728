// Which models a plan opens on the global keys: all of them, or a list chosen from the catalogue
// (a listed model the catalogue no longer has stays listed, so that saving does not drop it).
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { Catalog } from '../components/use-catalog.ts';

export function PlanModelsField({
  catalog,
  allModels,
  models,
  onChange,
  errorId,
}: {
  catalog: Catalog | null;
  allModels: boolean;
  models: string[];
  onChange: (value: { allModels: boolean; models: string[] }) => void;
  /** Set when the form refused an empty list: the message that says so. */
  errorId?: string | null;
}) {
  const { t } = useTranslation();
  const id = useId();
  const known = new Set(catalog?.providers.flatMap((provider) => provider.models.map((m) => `${provider.id}/${m.id}`)));
  const unknown = models.filter((model) => !known.has(model));
  const toggle = (model: string, checked: boolean) =>
    onChange({ allModels, models: checked ? [...models, model] : models.filter((item) => item !== model) });
  const checkbox = (model: string, label: string) => (
    <label key={model} className="checkbox">
      <input
        type="checkbox"
        checked={models.includes(model)}
        onChange={(event) => toggle(model, event.target.checked)}
      />
      {label}
    </label>
  );

  return (
    <fieldset aria-describedby={errorId ?? undefined} aria-invalid={errorId ? true : undefined}>
      <legend>{t('adminBilling.plan.models')}</legend>
      <div className="choice-list">
        <label className="checkbox">
          <input
            type="radio"
            name={`${id}-scope`}
            checked={allModels}
            onChange={() => onChange({ allModels: true, models })}
          />
          {t('adminBilling.plan.allModels')}
        </label>
        <label className="checkbox">
          <input
            type="radio"
            name={`${id}-scope`}
            checked={!allModels}
            onChange={() => onChange({ allModels: false, models })}
          />
          {t('adminBilling.plan.someModels')}
        </label>
      </div>
      {!allModels && (
        <div className="plan-models" data-testid="plan-models">
          {catalog?.providers.map((provider) =>
            provider.models.map((model) => checkbox(`${provider.id}/${model.id}`, `${provider.name} · ${model.name}`)),
          )}
          {unknown.map((model) => checkbox(model, model))}
        </div>
      )}
    </fieldset>
  );
}
