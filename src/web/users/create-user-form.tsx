// Admin › Users: create an account (how accounts are made when sign-up is closed). The page sends
// it and says how it went; the form empties once the account exists.
import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Field } from '../components/field.tsx';

export interface NewUser {
  name: string;
  email: string;
  password: string;
  role: 'admin' | 'user';
}

const EMPTY = { name: '', email: '', password: '', admin: false };

export function CreateUserForm({ create }: { create: (user: NewUser) => Promise<boolean> }) {
  const { t } = useTranslation();
  const id = useId();
  const [form, setForm] = useState(EMPTY);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const created = await create({
      name: form.name.trim(),
      email: form.email.trim(),
      password: form.password,
      role: form.admin ? 'admin' : 'user',
    });
    if (created) setForm(EMPTY);
  };

  return (
    <section className="card" aria-labelledby={`${id}-create`}>
      <h2 id={`${id}-create`}>{t('admin.createTitle')}</h2>
      <p className="muted">{t('admin.createIntro')}</p>
      <form className="create-user-form" onSubmit={submit}>
        <Field label={t('auth.name')}>
          {(control) => (
            <input
              {...control}
              required
              value={form.name}
              onChange={(event) => setForm({ ...form, name: event.target.value })}
            />
          )}
        </Field>
        <Field label={t('auth.email')}>
          {(control) => (
            <input
              {...control}
              type="email"
              required
              value={form.email}
              onChange={(event) => setForm({ ...form, email: event.target.value })}
            />
          )}
        </Field>
        <Field label={t('auth.password')}>
          {(control) => (
            <input
              {...control}
              type="password"
              autoComplete="new-password"
              minLength={8}
              required
              value={form.password}
              onChange={(event) => setForm({ ...form, password: event.target.value })}
            />
          )}
        </Field>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={form.admin}
            onChange={(event) => setForm({ ...form, admin: event.target.checked })}
          />
          {t('admin.makeAdmin')}
        </label>
        <button type="submit" className="button button-primary">
          {t('admin.create')}
        </button>
      </form>
    </section>
  );
}
