// The fields and the submit button that the signed-out pages share (sign in, sign up, forgotten
// password, reset, invitation), so each asks for an e-mail, a name or a password the same way: the
// same autocomplete hints (password managers rely on them), the same length rules as the server,
// the same "working" state while the request runs.
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../api/error-messages.ts';
import { Field } from '../components/field.tsx';

type Change = (value: string) => void;

export function EmailField({
  value,
  onChange,
  readOnly = false,
}: {
  value: string;
  onChange?: Change;
  readOnly?: boolean;
}) {
  const { t } = useTranslation();
  return (
    <Field label={t('auth.email')}>
      {(control) =>
        readOnly ? (
          <input {...control} type="email" value={value} readOnly />
        ) : (
          <input
            {...control}
            type="email"
            autoComplete="email"
            required
            value={value}
            onChange={(event) => onChange?.(event.target.value)}
          />
        )
      }
    </Field>
  );
}

export function NameField({ value, onChange }: { value: string; onChange: Change }) {
  const { t } = useTranslation();
  return (
    <Field label={t('auth.name')}>
      {(control) => (
        <input
          {...control}
          autoComplete="name"
          required
          maxLength={200}
          value={value}
          onChange={(event) => onChange(event.target.value)}
        />
      )}
    </Field>
  );
}

/** `current` signs in with the password one has; `new` sets one (at least 8 characters, said in the hint). */
export function PasswordField({
  value,
  onChange,
  purpose,
  label,
}: {
  value: string;
  onChange: Change;
  purpose: 'current' | 'new';
  label?: string;
}) {
  const { t } = useTranslation();
  return (
    <Field label={label ?? t('auth.password')} hint={purpose === 'new' ? t('auth.passwordHint') : undefined}>
      {(control) => (
        <input
          {...control}
          type="password"
          autoComplete={purpose === 'new' ? 'new-password' : 'current-password'}
          required
          minLength={purpose === 'new' ? 8 : undefined}
          value={value}
          onChange={(event) => onChange(event.target.value)}
        />
      )}
    </Field>
  );
}

export function SubmitButton({ busy, label }: { busy: boolean; label: string }) {
  const { t } = useTranslation();
  return (
    <button type="submit" className="button button-primary" disabled={busy}>
      {busy ? t('auth.working') : label}
    </button>
  );
}

/**
 * A form's submission: the default is prevented, `busy` while `action` runs, and a failure in words
 * (the server's code through error-messages.ts) in `error`, shown by the form's notice.
 */
export function useSubmit(action: () => Promise<void>) {
  const { t } = useTranslation();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (caught) {
      setError(errorMessage(t, caught));
    } finally {
      setBusy(false);
    }
  };
  return { submit, error, setError, busy };
}
