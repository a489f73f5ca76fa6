import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { ChangePassword } from '@/components/account/ChangePassword';
import { SignOutEverywhere } from '@/components/account/SignOutEverywhere';
import { currentSession } from '@/lib/server/session';

export const metadata: Metadata = { title: 'Account' };

export default async function AccountPage() {
  const session = await currentSession();
  if (!session) redirect('/login?next=%2Faccount');
  return (
    <>
      <h1>Your account</h1>
      <p>
        {session.user.name} · {session.user.email}
      </p>
      <section className="card" aria-labelledby="pw-title">
        <h2 id="pw-title">Change password</h2>
        <p className="field-hint">Your other devices are signed out; this one stays signed in.</p>
        <ChangePassword />
      </section>
      <section className="card" aria-labelledby="everywhere-title" style={{ marginTop: 16 }}>
        <h2 id="everywhere-title">Sign out everywhere</h2>
        <p className="field-hint">Ends every session of this account, on every device, including this one. Open documents close at once.</p>
        <SignOutEverywhere />
      </section>
    </>
  );
}
