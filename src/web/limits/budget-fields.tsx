// The four fields of one key source's budgets: dollars and tokens per day and month, empty for no
// limit. The field the form refused is marked and tied to the form's message.
import { useTranslation } from 'react-i18next';
import { Field } from '../components/field.tsx';
import type { BudgetForm } from './budget-form.ts';

const FIELDS = ['dayDollars', 'monthDollars', 'dayTokens', 'monthTokens'] as const;

export function BudgetFields({
  value,
  onChange,
  disabled = false,
  invalidField = null,
  errorId,
}: {
  value: BudgetForm;
  onChange: (value: BudgetForm) => void;
  disabled?: boolean;
  /** The field the form refused, if it is one of these. */
  invalidField?: keyof BudgetForm | null;
  /** The id of the message that says why. */
  errorId?: string;
}) {
  const { t } = useTranslation();
  return (
    <div className="budget-fields">
      {FIELDS.map((field) => (
        <Field key={field} label={t(`admin.limits.${field}`)} errorId={invalidField === field ? errorId : null}>
          {(control) => (
            <input
              {...control}
              inputMode={field.endsWith('Dollars') ? 'decimal' : 'numeric'}
              placeholder={t('admin.limits.noLimitPlaceholder')}
              value={value[field]}
              disabled={disabled}
              onChange={(event) => onChange({ ...value, [field]: event.target.value })}
            />
          )}
        </Field>
      ))}
    </div>
  );
}
