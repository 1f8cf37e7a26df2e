import { ROLE_LABELS } from '../auth/roles';
import type { SessionUser } from '../auth/session';

interface HeaderProps {
  user: SessionUser;
  onSignOut: () => void;
}

export function Header({ user, onSignOut }: HeaderProps) {
  return (
    <header className="app-header" data-testid="app-header">
      <div className="brand">
        <span className="brand-name">Vigil</span>
        <span className="brand-area">Camden &amp; Islington</span>
      </div>
      <div className="user">
        <span className="user-name" data-testid="user-name">
          {user.displayName}
        </span>
        <span className="role-badge" data-testid="user-role" data-role={user.role}>
          {ROLE_LABELS[user.role]}
        </span>
        <button
          type="button"
          className="button button-header"
          onClick={onSignOut}
          data-testid="signout"
          title="Signs you out here and wherever else this account is signed in"
        >
          Sign out
        </button>
      </div>
    </header>
  );
}
