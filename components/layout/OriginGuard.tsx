'use client';

import { useEffect, useState } from 'react';

/**
 * Requests and collaboration sockets are only accepted from APP_ORIGIN. If the page was opened
 * at another address (127.0.0.1 instead of localhost, say), say so instead of failing later.
 */
export function OriginGuard({ appOrigin }: { appOrigin: string }) {
  const [wrong, setWrong] = useState(false);
  useEffect(() => setWrong(window.location.origin !== appOrigin), [appOrigin]);
  if (!wrong) return null;
  return (
    <p className="alert" role="alert" style={{ margin: 0, borderRadius: 0 }}>
      Tandem is configured for <a href={appOrigin}>{appOrigin}</a>; this address is not allowed to change anything. Open it there
      instead (or set APP_ORIGIN).
    </p>
  );
}
