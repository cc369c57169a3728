// Routes. Signed-out visitors see the sign-in and sign-up pages only; everything else needs a
// session, and the admin pages an admin.
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, Route, Routes, useLocation } from 'react-router';
import { AdminAlertsPage } from './alerts/admin-alerts-page.tsx';
import { AlertsPage } from './alerts/alerts-page.tsx';
import { Layout } from './components/layout.tsx';
import { ForgotPasswordPage, InvitationPage, ResetPasswordPage } from './pages/account-pages.tsx';
import { AdminAuditPage } from './pages/admin-audit-page.tsx';
import { AdminGroupsPage } from './pages/admin-groups-page.tsx';
import { AdminInvitationsPage } from './pages/admin-invitations-page.tsx';
import { AdminModelsPage } from './pages/admin-models-page.tsx';
import { AdminPlansPage } from './pages/admin-plans-page.tsx';
import { AdminSsoPage } from './pages/admin-sso-page.tsx';
import { AdminUsersPage } from './pages/admin-users-page.tsx';
import { SignInPage, SignUpPage } from './pages/auth-pages.tsx';
import { ChatPage } from './pages/chat-page.tsx';
import { MyGroupPage } from './pages/my-group-page.tsx';
import { ForbiddenPage, NotFoundPage } from './pages/not-found-page.tsx';
import { ProfilePage } from './pages/profile-page.tsx';
import { RequestsPage } from './pages/requests-page.tsx';
import { UsagePage } from './pages/usage-page.tsx';
import { useSession } from './session.tsx';

function Loading() {
  const { t } = useTranslation();
  return (
    <div className="page-loading" role="status">
      {t('app.loading')}
    </div>
  );
}

function RequireUser({ children, admin = false }: { children: ReactNode; admin?: boolean }) {
  const { user } = useSession();
  const location = useLocation();
  if (user === undefined) return <Loading />;
  if (user === null) return <Navigate to="/sign-in" replace state={{ from: location.pathname }} />;
  if (admin && user.role !== 'admin') return <ForbiddenPage />;
  // Admins must set up two-factor first (the server answers 403 two_factor_required meanwhile).
  if (admin && user.twoFactorRequired) return <Navigate to="/profile" replace state={{ twoFactorRequired: true }} />;
  return <>{children}</>;
}

function SignedOutOnly({ children }: { children: ReactNode }) {
  const { user } = useSession();
  if (user === undefined) return <Loading />;
  // An admin held to set up two-factor goes to it first.
  if (user?.twoFactorRequired) return <Navigate to="/profile" replace state={{ twoFactorRequired: true }} />;
  if (user) return <Navigate to="/" replace />;
  return <>{children}</>;
}

export function App() {
  return (
    <Routes>
      <Route
        path="/sign-in"
        element={
          <SignedOutOnly>
            <SignInPage />
          </SignedOutOnly>
        }
      />
      <Route
        path="/sign-up"
        element={
          <SignedOutOnly>
            <SignUpPage />
          </SignedOutOnly>
        }
      />
      <Route
        path="/forgot-password"
        element={
          <SignedOutOnly>
            <ForgotPasswordPage />
          </SignedOutOnly>
        }
      />
      {/* Open signed in or out: a link is followed wherever it is clicked. */}
      <Route path="/reset-password" element={<ResetPasswordPage />} />
      <Route path="/invitation" element={<InvitationPage />} />
      <Route
        element={
          <RequireUser>
            <Layout />
          </RequireUser>
        }
      >
        <Route index element={<ChatPage />} />
        <Route path="c/:conversationId" element={<ChatPage />} />
        <Route path="profile" element={<ProfilePage />} />
        <Route path="usage" element={<UsagePage scope="mine" />} />
        <Route path="requests" element={<RequestsPage scope="mine" />} />
        <Route
          path="admin/requests"
          element={
            <RequireUser admin>
              <RequestsPage scope="admin" />
            </RequireUser>
          }
        />
        <Route
          path="admin/audit"
          element={
            <RequireUser admin>
              <AdminAuditPage />
            </RequireUser>
          }
        />
        <Route
          path="admin/usage"
          element={
            <RequireUser admin>
              <UsagePage scope="admin" />
            </RequireUser>
          }
        />
        <Route
          path="admin/users"
          element={
            <RequireUser admin>
              <AdminUsersPage />
            </RequireUser>
          }
        />
        <Route
          path="admin/invitations"
          element={
            <RequireUser admin>
              <AdminInvitationsPage />
            </RequireUser>
          }
        />
        <Route
          path="admin/plans"
          element={
            <RequireUser admin>
              <AdminPlansPage />
            </RequireUser>
          }
        />
        <Route
          path="admin/groups"
          element={
            <RequireUser admin>
              <AdminGroupsPage />
            </RequireUser>
          }
        />
        <Route path="group" element={<MyGroupPage />} />
        <Route
          path="admin/models"
          element={
            <RequireUser admin>
              <AdminModelsPage />
            </RequireUser>
          }
        />
        <Route
          path="admin/sso"
          element={
            <RequireUser admin>
              <AdminSsoPage />
            </RequireUser>
          }
        />
        <Route path="alerts" element={<AlertsPage />} />
        <Route
          path="admin/alerts"
          element={
            <RequireUser admin>
              <AdminAlertsPage />
            </RequireUser>
          }
        />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}
