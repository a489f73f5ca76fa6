'use client';

import { usePathname } from 'next/navigation';
import type { ReactNode } from 'react';

/** The app's own chrome (header, skip link), left out of embedded frames (`/embed/...`). */
export function AppChrome({ children }: { children: ReactNode }) {
  const path = usePathname();
  return path?.startsWith('/embed/') ? null : <>{children}</>;
}
