import { useCallback } from 'react';
import { ApiProvider } from './api/ApiProvider';
import { AuthProvider, useAuth } from './auth/AuthProvider';
import { SignInPage } from './auth/SignInPage';
import { Dashboard } from './shell/Dashboard';

function Gate() {
  const { session, signOut } = useAuth();
  const expired = useCallback(() => signOut('Your session has ended. Sign in again to continue.'), [signOut]);
  if (!session) return <SignInPage />;
  return (
    // Keyed by token: a new sign-in starts the dashboard afresh, with no data of the last user.
    <ApiProvider key={session.token} token={session.token} onUnauthenticated={expired}>
      <Dashboard user={session.user} />
    </ApiProvider>
  );
}

export function App() {
  return (
    <AuthProvider>
      <Gate />
    </AuthProvider>
  );
}
