// Admin › Plans with Stripe off: how to turn it on, and what works until then.
import { useTranslation } from 'react-i18next';
import { Notice } from '../components/notice.tsx';

export function StripeOffNotice() {
  const { t } = useTranslation();
  return (
    <Notice kind="warning" testId="stripe-off">
      <p>
        <strong>{t('adminBilling.stripeOff.title')}</strong> {t('adminBilling.stripeOff.works')}
      </p>
      <p>
        {t('adminBilling.stripeOff.howTo')} <code>STRIPE_SECRET_KEY</code>, <code>STRIPE_WEBHOOK_SECRET</code>.{' '}
        {t('adminBilling.stripeOff.webhook')} <code>{`${window.location.origin}/api/billing/webhook`}</code>{' '}
        {t('adminBilling.stripeOff.webhookNote')}
      </p>
      <p>{t('adminBilling.stripeOff.prices')}</p>
    </Notice>
  );
}
