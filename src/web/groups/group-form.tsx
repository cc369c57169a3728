// A group's form, to create one or change it: its name and description, each member's budget on
// the global keys (empty fields: no limit), and the models its members may use there.
import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { GroupBody, GroupView } from '../api/types.ts';
import { PlanModelsField } from '../billing/plan-models-field.tsx';
import { Field } from '../components/field.tsx';
import { Notice } from '../components/notice.tsx';
import type { Catalog } from '../components/use-catalog.ts';
import { BudgetFields } from '../limits/budget-fields.tsx';
import { type BudgetForm, budgetFormOf, budgetFromForm } from '../limits/budget-form.ts';

export function GroupForm({
  group,
  catalog,
  submitLabel,
  onSubmit,
  onCancel,
}: {
  /** The group changed; null: a new one. */
  group: GroupView | null;
  catalog: Catalog | null;
  submitLabel: string;
  /** Sends the form; true when it was saved (a new group's form then empties). */
  onSubmit: (body: GroupBody) => Promise<boolean>;
  onCancel?: () => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const [name, setName] = useState(group?.name ?? '');
  const [description, setDescription] = useState(group?.description ?? '');
  const [budget, setBudget] = useState<BudgetForm>(budgetFormOf(group?.budgets ?? null));
  const [models, setModels] = useState({ allModels: group?.models == null, models: group?.models ?? [] });
  const [invalid, setInvalid] = useState<keyof BudgetForm | null>(null);
  const [busy, setBusy] = useState(false);
  const errorId = `${id}-error`;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const parsed = budgetFromForm(budget);
    if (!parsed.ok) {
      setInvalid(parsed.field);
      return;
    }
    setInvalid(null);
    setBusy(true);
    const saved = await onSubmit({
      name: name.trim(),
      description,
      budgets: Object.values(parsed.limits).every((value) => value === null) ? null : parsed.limits,
      models: models.allModels ? null : models.models,
    });
    setBusy(false);
    if (saved && !group) {
      setName('');
      setDescription('');
      setBudget(budgetFormOf(null));
      setModels({ allModels: true, models: [] });
    }
  };

  return (
    <form className="group-form" onSubmit={submit}>
      <Field label={t('groups.name')}>
        {(control) => (
          <input {...control} required maxLength={100} value={name} onChange={(event) => setName(event.target.value)} />
        )}
      </Field>
      <Field label={t('groups.description')}>
        {(control) => (
          <textarea
            {...control}
            rows={2}
            maxLength={2000}
            value={description}
            onChange={(event) => setDescription(event.target.value)}
          />
        )}
      </Field>
      <fieldset>
        <legend>{t('groups.budgetTitle')}</legend>
        <p className="muted">{t('groups.budgetIntro')}</p>
        {invalid && (
          <Notice kind="error" id={errorId}>
            {t('admin.limits.invalidAmount', { field: t(`admin.limits.${invalid}`) })}
          </Notice>
        )}
        <BudgetFields value={budget} onChange={setBudget} invalidField={invalid} errorId={errorId} />
      </fieldset>
      <PlanModelsField catalog={catalog} allModels={models.allModels} models={models.models} onChange={setModels} />
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={busy || name.trim() === ''}>
          {submitLabel}
        </button>
        {onCancel && (
          <button type="button" className="button" onClick={onCancel}>
            {t('common.cancel')}
          </button>
        )}
      </div>
    </form>
  );
}
