// Admin › Alerts: my e-mail choice, the webhooks (add, change, remove; the secret is write-only and
// shown as a fixed mask once saved), a "send a test alert" button per channel, and the latest
// deliveries with their failures.
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DeliveryView, WebhookView } from '../../shared/alerts.ts';
import { errorMessage } from '../api/error-messages.ts';
import { ConfirmDialog } from '../components/confirm-dialog.tsx';
import { Field } from '../components/field.tsx';
import { Notice } from '../components/notice.tsx';
import { useDocumentTitle } from '../components/use-document-title.ts';
import { useFormat } from '../format.ts';
import { alertsApi } from './alerts-api.ts';
import { EmailPreference } from './email-preference.tsx';

type Message = { kind: 'error' | 'success'; text: string } | null;

interface Draft {
  name: string;
  url: string;
  secret: string;
  format: 'json' | 'slack';
  locale: 'fr' | 'en';
  enabled: boolean;
}

const EMPTY: Draft = { name: '', url: '', secret: '', format: 'json', locale: 'fr', enabled: true };

function WebhookForm({
  editing,
  onSaved,
  onCancel,
}: {
  editing: WebhookView | null;
  onSaved(view: WebhookView): void;
  onCancel(): void;
}) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState<Draft>(editing ? { ...editing, secret: '' } : EMPTY);
  const [message, setMessage] = useState<Message>(null);
  const [busy, setBusy] = useState(false);
  const set = (change: Partial<Draft>) => setDraft((current) => ({ ...current, ...change }));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setMessage(null);
    try {
      const { secret, ...rest } = draft;
      const saved = editing
        ? await alertsApi.updateWebhook(editing.id, secret === '' ? rest : draft)
        : await alertsApi.createWebhook(draft);
      setDraft({ ...draft, secret: '' });
      onSaved(saved);
    } catch (error) {
      setMessage({ kind: 'error', text: errorMessage(t, error) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="form-stack" onSubmit={submit} aria-labelledby="webhook-form-title">
      <h3 id="webhook-form-title">{editing ? t('alerts.admin.editWebhook') : t('alerts.admin.addWebhook')}</h3>
      {message && <Notice kind={message.kind}>{message.text}</Notice>}
      <Field label={t('alerts.admin.name')}>
        {(control) => (
          <input
            {...control}
            required
            maxLength={100}
            value={draft.name}
            onChange={(e) => set({ name: e.target.value })}
          />
        )}
      </Field>
      <Field label={t('alerts.admin.url')} hint={t('alerts.admin.urlHint')}>
        {(control) => (
          <input
            {...control}
            type="url"
            required
            maxLength={2048}
            value={draft.url}
            onChange={(e) => set({ url: e.target.value })}
          />
        )}
      </Field>
      <Field
        label={t('alerts.admin.secret')}
        hint={editing ? t('alerts.admin.secretKept', { mask: editing.secretMask }) : t('alerts.admin.secretHint')}
      >
        {(control) => (
          <input
            {...control}
            type="password"
            autoComplete="off"
            required={!editing}
            minLength={16}
            maxLength={256}
            value={draft.secret}
            onChange={(e) => set({ secret: e.target.value })}
          />
        )}
      </Field>
      <Field label={t('alerts.admin.format')}>
        {(control) => (
          <select
            {...control}
            value={draft.format}
            onChange={(e) => set({ format: e.target.value === 'slack' ? 'slack' : 'json' })}
          >
            <option value="json">{t('alerts.admin.formatJson')}</option>
            <option value="slack">{t('alerts.admin.formatSlack')}</option>
          </select>
        )}
      </Field>
      <Field label={t('alerts.admin.language')}>
        {(control) => (
          <select
            {...control}
            value={draft.locale}
            onChange={(e) => set({ locale: e.target.value === 'en' ? 'en' : 'fr' })}
          >
            <option value="fr">Français</option>
            <option value="en">English</option>
          </select>
        )}
      </Field>
      <label className="checkbox">
        <input type="checkbox" checked={draft.enabled} onChange={(e) => set({ enabled: e.target.checked })} />
        <span>{t('alerts.admin.enabled')}</span>
      </label>
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={busy}>
          {t('common.save')}
        </button>
        {editing && (
          <button type="button" className="button button-ghost" onClick={onCancel}>
            {t('alerts.admin.cancel')}
          </button>
        )}
      </div>
    </form>
  );
}

export function AdminAlertsPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('alerts.admin.title'));
  const format = useFormat();
  const [webhooks, setWebhooks] = useState<WebhookView[] | null>(null);
  const [deliveries, setDeliveries] = useState<DeliveryView[] | null>(null);
  const [editing, setEditing] = useState<WebhookView | null>(null);
  const [removing, setRemoving] = useState<WebhookView | null>(null);
  const [message, setMessage] = useState<Message>(null);
  const [busy, setBusy] = useState(false);
  const [formKey, setFormKey] = useState(0);

  const load = useCallback(async () => {
    try {
      const [hooks, sent] = await Promise.all([alertsApi.webhooks(), alertsApi.deliveries()]);
      setWebhooks(hooks.webhooks);
      setDeliveries(sent.deliveries);
    } catch (error) {
      setMessage({ kind: 'error', text: errorMessage(t, error) });
    }
  }, [t]);

  useEffect(() => {
    void load();
  }, [load]);

  const test = async (body: { channel: 'app' | 'email' | 'webhook'; webhookId?: string }) => {
    setBusy(true);
    setMessage(null);
    try {
      await alertsApi.sendTest(body);
      setMessage({ kind: 'success', text: t('alerts.admin.testSent') });
      await load();
    } catch (error) {
      setMessage({ kind: 'error', text: errorMessage(t, error) });
    } finally {
      setBusy(false);
    }
  };

  const remove = async () => {
    if (!removing) return;
    setBusy(true);
    try {
      await alertsApi.deleteWebhook(removing.id);
      setRemoving(null);
      setMessage({ kind: 'success', text: t('alerts.admin.removed') });
      await load();
    } catch (error) {
      setMessage({ kind: 'error', text: errorMessage(t, error) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="page admin-page">
      <h1>{t('alerts.admin.title')}</h1>
      <p className="muted">{t('alerts.admin.intro')}</p>
      {message && <Notice kind={message.kind}>{message.text}</Notice>}
      <EmailPreference />

      <section className="card form-stack" aria-labelledby="alert-test-title">
        <h2 id="alert-test-title">{t('alerts.admin.testTitle')}</h2>
        <div className="form-actions">
          <button type="button" className="button" disabled={busy} onClick={() => void test({ channel: 'app' })}>
            {t('alerts.admin.testApp')}
          </button>
          <button type="button" className="button" disabled={busy} onClick={() => void test({ channel: 'email' })}>
            {t('alerts.admin.testEmail')}
          </button>
        </div>
      </section>

      <section className="card form-stack" aria-labelledby="webhooks-title">
        <h2 id="webhooks-title">{t('alerts.admin.webhooksTitle')}</h2>
        <p className="muted">{t('alerts.admin.webhooksIntro')}</p>
        {webhooks === null ? (
          <p role="status">{t('app.loading')}</p>
        ) : webhooks.length === 0 ? (
          <p className="muted">{t('alerts.admin.noWebhooks')}</p>
        ) : (
          <table className="data-table">
            <caption className="visually-hidden">{t('alerts.admin.webhooksTitle')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('alerts.admin.name')}</th>
                <th scope="col">{t('alerts.admin.url')}</th>
                <th scope="col">{t('alerts.admin.format')}</th>
                <th scope="col">{t('alerts.admin.secret')}</th>
                <th scope="col">{t('alerts.admin.state')}</th>
                <th scope="col">{t('alerts.admin.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {webhooks.map((hook) => (
                <tr key={hook.id}>
                  <td>{hook.name}</td>
                  <td className="break-anywhere">{hook.url}</td>
                  <td>{hook.format === 'slack' ? t('alerts.admin.formatSlack') : t('alerts.admin.formatJson')}</td>
                  <td>
                    <code>{hook.secretMask}</code>
                  </td>
                  <td>{hook.enabled ? t('alerts.admin.on') : t('alerts.admin.off')}</td>
                  <td className="row-actions">
                    <button
                      type="button"
                      className="button button-ghost"
                      disabled={busy}
                      onClick={() => void test({ channel: 'webhook', webhookId: hook.id })}
                      aria-label={t('alerts.admin.testWebhookOf', { name: hook.name })}
                    >
                      {t('alerts.admin.testWebhook')}
                    </button>
                    <button
                      type="button"
                      className="button button-ghost"
                      onClick={() => setEditing(hook)}
                      aria-label={t('alerts.admin.editOf', { name: hook.name })}
                    >
                      {t('alerts.admin.edit')}
                    </button>
                    <button
                      type="button"
                      className="button button-ghost"
                      onClick={() => setRemoving(hook)}
                      aria-label={t('alerts.admin.removeOf', { name: hook.name })}
                    >
                      {t('alerts.admin.remove')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <WebhookForm
          key={editing?.id ?? `new-${formKey}`}
          editing={editing}
          onSaved={() => {
            setEditing(null);
            setFormKey((key) => key + 1);
            setMessage({ kind: 'success', text: t('alerts.admin.saved') });
            void load();
          }}
          onCancel={() => setEditing(null)}
        />
      </section>

      <section className="card" aria-labelledby="deliveries-title">
        <h2 id="deliveries-title">{t('alerts.admin.deliveriesTitle')}</h2>
        {deliveries === null ? (
          <p role="status">{t('app.loading')}</p>
        ) : deliveries.length === 0 ? (
          <p className="muted">{t('alerts.admin.noDeliveries')}</p>
        ) : (
          <table className="data-table" data-testid="deliveries">
            <caption className="visually-hidden">{t('alerts.admin.deliveriesTitle')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('alerts.admin.when')}</th>
                <th scope="col">{t('alerts.admin.kind')}</th>
                <th scope="col">{t('alerts.admin.channel')}</th>
                <th scope="col">{t('alerts.admin.recipient')}</th>
                <th scope="col">{t('alerts.admin.status')}</th>
                <th scope="col">{t('alerts.admin.attempts')}</th>
                <th scope="col">{t('alerts.admin.lastError')}</th>
              </tr>
            </thead>
            <tbody>
              {deliveries.map((delivery) => (
                <tr key={delivery.id} className={delivery.status === 'failed' ? 'row-failed' : undefined}>
                  <td>{format.zonedDateTime(delivery.createdAt)}</td>
                  <td>{t(`alerts.kinds.${delivery.kind.replace('.', '_')}`)}</td>
                  <td>{t(`alerts.channels.${delivery.channel}`)}</td>
                  <td className="break-anywhere">{delivery.recipient ?? t('alerts.admin.gone')}</td>
                  <td>{t(`alerts.statuses.${delivery.status}`)}</td>
                  <td>{delivery.attempts}</td>
                  <td>{delivery.lastError ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      {removing && (
        <ConfirmDialog
          title={t('alerts.admin.removeTitle', { name: removing.name })}
          confirmLabel={t('alerts.admin.remove')}
          busy={busy}
          onConfirm={() => void remove()}
          onCancel={() => setRemoving(null)}
        >
          <p>{t('alerts.admin.removeText')}</p>
        </ConfirmDialog>
      )}
    </div>
  );
}
