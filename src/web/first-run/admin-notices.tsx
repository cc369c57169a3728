// What the admin pages say above their own content: the warning while anyone who reaches WeBox can
// spend the global keys (sign-up open, no budget), with its two ways out, and the first-run
// checklist until an admin puts it away. Both are read from GET /api/admin/first-run, again on each
// page and whenever a setting they depend on is saved here (announceFirstRunChange).
import { useCallback, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'react-router';
import type { FirstRunStepId } from '../../shared/first-run.ts';
import { api } from '../api/client.ts';
import { errorMessage } from '../api/error-messages.ts';
import type { FirstRunStep, FirstRunView } from '../api/types.ts';
import { Notice } from '../components/notice.tsx';

const CHANGED = 'webox:first-run-changed';

/** Tells the notices that a setting they read was saved (sign-up, budget, time zone, a key). */
export function announceFirstRunChange() {
  window.dispatchEvent(new Event(CHANGED));
}

/** Runs `callback` whenever such a setting is saved anywhere in the app. */
export function useFirstRunChanges(callback: () => void) {
  useEffect(() => {
    window.addEventListener(CHANGED, callback);
    return () => window.removeEventListener(CHANGED, callback);
  }, [callback]);
}

/** Where each step is done: one click away. */
export const STEP_LINKS: Record<Exclude<FirstRunStepId, 'timeZone'>, string> = {
  keys: '/profile#global-keys',
  models: '/admin/models',
  budget: '/admin/users#default-budgets',
  signup: '/admin/invitations#signup',
  invite: '/admin/invitations',
};

/** The zone this browser runs in, which the time-zone step proposes. */
export function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

function useFirstRun() {
  const { pathname } = useLocation();
  const [view, setView] = useState<FirstRunView | null>(null);
  const load = useCallback(async () => {
    try {
      setView(await api.firstRun());
    } catch {
      // The notices are a help: a page works without them.
      setView(null);
    }
  }, []);
  // biome-ignore lint/correctness/useExhaustiveDependencies: read again on each admin page
  useEffect(() => {
    void load();
  }, [load, pathname]);
  useEffect(() => {
    const reload = () => void load();
    window.addEventListener(CHANGED, reload);
    return () => window.removeEventListener(CHANGED, reload);
  }, [load]);
  return { view, setView };
}

/** Once a page's content is there, brings the `#section` a checklist link named into view. */
function useScrollToHash() {
  const { hash, pathname } = useLocation();
  // biome-ignore lint/correctness/useExhaustiveDependencies: on each navigation
  useEffect(() => {
    if (!hash) return;
    let tries = 0;
    const timer = window.setInterval(() => {
      const target = document.getElementById(decodeURIComponent(hash.slice(1)));
      tries += 1;
      if (target || tries > 20) window.clearInterval(timer);
      target?.scrollIntoView?.({ block: 'start' });
    }, 100);
    return () => window.clearInterval(timer);
  }, [hash, pathname]);
}

export function OpenToAnyoneBanner({ onClosed }: { onClosed(): void }) {
  const { t } = useTranslation();
  const id = useId();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const close = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.saveAccountSettings({ signup: 'closed' });
      onClosed();
    } catch (caught) {
      setError(errorMessage(t, caught));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section
      className="notice notice-warning open-banner"
      aria-labelledby={`${id}-title`}
      data-testid="open-to-anyone-banner"
    >
      <h2 id={`${id}-title`} className="notice-title">
        {t('firstRun.banner.title')}
      </h2>
      <p>{t('firstRun.banner.body')}</p>
      {error && <Notice kind="error">{error}</Notice>}
      <div className="form-actions">
        <button type="button" className="button" disabled={busy} onClick={close}>
          {t('firstRun.banner.closeSignup')}
        </button>
        <Link className="button" to={STEP_LINKS.budget}>
          {t('firstRun.banner.setBudget')}
        </Link>
      </div>
    </section>
  );
}

function StepState({ step }: { step: FirstRunStep }) {
  const { t } = useTranslation();
  const state = step.done ? 'done' : step.skipped ? 'skipped' : 'todo';
  return (
    <span className={`first-run-step-state first-run-${state}`} data-state={state}>
      <span aria-hidden="true">{step.done ? '✓ ' : step.skipped ? '– ' : '○ '}</span>
      {t(`firstRun.state.${state}`)}
    </span>
  );
}

function TimeZoneAction({ onSaved }: { onSaved(): void }) {
  const { t } = useTranslation();
  const zone = browserTimeZone();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.saveDisplaySettings({ timeZone: zone });
      onSaved();
    } catch (caught) {
      setError(errorMessage(t, caught));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button type="button" className="button button-small" disabled={busy} onClick={save}>
        {t('firstRun.timeZone.use', { zone })}
      </button>
      {error && <Notice kind="error">{error}</Notice>}
    </>
  );
}

export function FirstRunChecklist({
  view,
  onChange,
}: {
  view: FirstRunView;
  onChange(view: FirstRunView | null): void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const [error, setError] = useState<string | null>(null);
  const skipped = view.steps.filter((step) => step.skipped).map((step) => step.id);
  const finished = view.steps.filter((step) => step.done || step.skipped).length;
  const save = async (body: { dismissed?: boolean; skipped?: FirstRunStepId[] }) => {
    setError(null);
    try {
      onChange(await api.saveFirstRun(body));
    } catch (caught) {
      setError(errorMessage(t, caught));
    }
  };
  const detail = (step: FirstRunStep) => {
    if (step.id === 'keys' && step.unverified && step.unverified.length > 0) {
      return t('firstRun.keys.unverified', { providers: step.unverified.join(', ') });
    }
    if (step.id === 'signup' && !step.done) return t('firstRun.signup.open');
    if (step.id === 'timeZone' && step.timeZone && step.done) return step.timeZone;
    return null;
  };

  return (
    <section className="card first-run" aria-labelledby={`${id}-title`} data-testid="first-run">
      <h2 id={`${id}-title`}>{t('firstRun.title')}</h2>
      <p className="muted">{t('firstRun.progress', { done: finished, total: view.steps.length })}</p>
      {error && <Notice kind="error">{error}</Notice>}
      <ul className="first-run-steps">
        {view.steps.map((step) => {
          const extra = detail(step);
          return (
            <li key={step.id} className="first-run-step" data-testid={`first-run-${step.id}`}>
              <StepState step={step} />
              <span className="first-run-step-title">
                {t(`firstRun.steps.${step.id}`)}
                {extra && <span className="muted"> — {extra}</span>}
              </span>
              {!step.done && step.id === 'timeZone' && (
                <TimeZoneAction onSaved={() => void api.firstRun().then(onChange, () => onChange(null))} />
              )}
              {!step.done && step.id !== 'timeZone' && (
                <Link className="button button-small" to={STEP_LINKS[step.id]}>
                  {t(`firstRun.go.${step.id}`)}
                </Link>
              )}
              {!step.done && (
                <button
                  type="button"
                  className="button button-small button-ghost"
                  onClick={() =>
                    save({
                      skipped: step.skipped ? skipped.filter((entry) => entry !== step.id) : [...skipped, step.id],
                    })
                  }
                >
                  {step.skipped
                    ? t('firstRun.unskip', { step: t(`firstRun.steps.${step.id}`) })
                    : t(`firstRun.skip.${step.id}`)}
                </button>
              )}
            </li>
          );
        })}
      </ul>
      <div className="form-actions">
        <button type="button" className="button" onClick={() => save({ dismissed: true })}>
          {finished === view.steps.length ? t('firstRun.finish') : t('firstRun.dismiss')}
        </button>
      </div>
    </section>
  );
}

/** Above every admin page: the banner while it applies, the checklist until it is put away. */
export function AdminNotices() {
  const { view, setView } = useFirstRun();
  useScrollToHash();
  if (!view) return null;
  return (
    <div className="admin-notices">
      {view.openToAnyone && <OpenToAnyoneBanner onClosed={announceFirstRunChange} />}
      {!view.dismissed && <FirstRunChecklist view={view} onChange={setView} />}
    </div>
  );
}
