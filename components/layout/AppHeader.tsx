import Link from 'next/link';
import { currentSession } from '@/lib/server/session';
import { SignOutButton } from './SignOutButton';

/** Top bar: the brand, and who is signed in with a way out. */
export async function AppHeader() {
  const session = await currentSession();
  return (
    <header className="app-header">
      <Link href="/" className="brand">
        Tandem
      </Link>
      {session ? (
        <div className="header-user">
          <Link href="/account" data-testid="current-user" aria-label={`Account: ${session.user.name}`}>
            {session.user.name}
          </Link>
          <SignOutButton />
        </div>
      ) : (
        <nav className="header-user" aria-label="Account">
          <Link href="/login">Log in</Link>
          <Link href="/signup">Sign up</Link>
        </nav>
      )}
    </header>
  );
}
