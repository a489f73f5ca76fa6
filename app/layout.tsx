import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
import { AppChrome } from '@/components/layout/AppChrome';
import { AppHeader } from '@/components/layout/AppHeader';
import { OriginGuard } from '@/components/layout/OriginGuard';
import { getConfig } from '@/lib/config';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Tandem', template: '%s · Tandem' },
  description: 'Write together, in real time, with every edit saved.',
};

export const viewport: Viewport = { width: 'device-width', initialScale: 1 };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <AppChrome>
          <a className="skip-link" href="#main">
            Skip to content
          </a>
        </AppChrome>
        <OriginGuard appOrigin={getConfig().appOrigin} />
        <AppChrome>
          <AppHeader />
        </AppChrome>
        <main id="main">{children}</main>
      </body>
    </html>
  );
}
