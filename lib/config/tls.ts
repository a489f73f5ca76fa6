import { X509Certificate, createPrivateKey } from 'node:crypto';
import fs from 'node:fs';

/** Where the certificate chain and private key live; both servers read them when they start. */
export interface TlsFiles {
  certFile: string;
  keyFile: string;
}

/** The PEM contents, as `https.createServer` takes them. */
export interface TlsCredentials {
  cert: string;
  key: string;
}

function read(file: string): { ok: true; text: string } | { ok: false; why: string } {
  try {
    return { ok: true, text: fs.readFileSync(file, 'utf8') };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'a directory' : 'unreadable';
    return { ok: false, why };
  }
}

/**
 * Checks the pair at start-up, so a wrong path or a key from another certificate stops the start
 * with one line per problem instead of failing at the first TLS handshake. Returns the problems.
 */
export function checkTlsFiles(files: TlsFiles): { name: 'TLS_CERT_FILE' | 'TLS_KEY_FILE'; line: string }[] {
  const problems: { name: 'TLS_CERT_FILE' | 'TLS_KEY_FILE'; line: string }[] = [];
  const bad = (name: 'TLS_CERT_FILE' | 'TLS_KEY_FILE', expected: string, file: string, why: string) =>
    problems.push({ name, line: `Invalid configuration: ${name} must be ${expected} (got ${JSON.stringify(file)}: ${why}).` });

  const certText = read(files.certFile);
  let cert: X509Certificate | undefined;
  if (!certText.ok) bad('TLS_CERT_FILE', 'a readable PEM certificate file', files.certFile, certText.why);
  else if (!certText.text.includes('-----BEGIN CERTIFICATE-----')) bad('TLS_CERT_FILE', 'a readable PEM certificate file', files.certFile, 'no PEM certificate in it');
  else {
    try {
      cert = new X509Certificate(certText.text);
    } catch {
      bad('TLS_CERT_FILE', 'a readable PEM certificate file', files.certFile, 'the certificate cannot be parsed');
    }
  }

  const keyText = read(files.keyFile);
  let key: ReturnType<typeof createPrivateKey> | undefined;
  if (!keyText.ok) bad('TLS_KEY_FILE', 'a readable PEM private key file', files.keyFile, keyText.why);
  else if (!/-----BEGIN (?:RSA |EC )?PRIVATE KEY-----/.test(keyText.text)) bad('TLS_KEY_FILE', 'a readable PEM private key file (not encrypted)', files.keyFile, 'no unencrypted PEM private key in it');
  else {
    try {
      key = createPrivateKey(keyText.text);
    } catch {
      bad('TLS_KEY_FILE', 'a readable PEM private key file', files.keyFile, 'the key cannot be parsed');
    }
  }

  if (cert && key && !cert.checkPrivateKey(key)) {
    bad('TLS_KEY_FILE', 'the private key of the certificate in TLS_CERT_FILE', files.keyFile, 'a different key');
  }
  return problems;
}

/** Reads the pair for a server; call after {@link checkTlsFiles} passed (config does). */
export function readTlsCredentials(files: TlsFiles): TlsCredentials {
  return { cert: fs.readFileSync(files.certFile, 'utf8'), key: fs.readFileSync(files.keyFile, 'utf8') };
}
