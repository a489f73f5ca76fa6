import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface TestCertificate {
  dir: string;
  certFile: string;
  keyFile: string;
  /** The certificate in PEM, to trust it as a CA in clients (it is self-signed). */
  cert: string;
}

/**
 * A real self-signed certificate for localhost, 127.0.0.1 and ::1, made by the system `openssl`
 * (P-256, valid for a day) in a fresh temporary directory (or `dir`).
 */
export function makeCertificate(dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-cert-'))): TestCertificate {
  fs.mkdirSync(dir, { recursive: true });
  const certFile = path.join(dir, 'cert.pem');
  const keyFile = path.join(dir, 'key.pem');
  execFileSync(
    'openssl',
    [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', keyFile, '-out', certFile, '-days', '1', '-subj', '/CN=localhost',
      '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  return { dir, certFile, keyFile, cert: fs.readFileSync(certFile, 'utf8') };
}
