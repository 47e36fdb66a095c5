// What a remote's address is, and how to show it. An address may be typed by the user or read
// from `.nbv/config`; it is never printed with the credentials some URLs carry
// (`https://user:token@host/...`), and never stored with them either.
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { NbvError } from '../../errors.js';

export type RemoteKind = 'http' | 'local' | 'ssh';

export interface RemoteUrl {
  kind: RemoteKind;
  /** The address as it is written into `.nbv/config` (a local path made absolute). */
  url: string;
  /** Local remotes: the absolute folder of the bare repository. */
  localPath?: string;
}

/** `text` with every `scheme://user:secret@` cut to `scheme://`: for messages and errors. */
export function scrubUrl(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/gi, '$1');
}

const SCP_LIKE = /^(?:[^@/\s]+@)?[^/:\s]+:(?!\/\/)/;

/** Classifies an address; BAD_USAGE for one nbv cannot use, naming it without credentials. */
export function parseRemoteUrl(text: string, cwd: string = process.cwd()): RemoteUrl {
  const shown = scrubUrl(text);
  if (text.trim() === '' || text.includes('\0') || /[\r\n]/.test(text)) {
    throw new NbvError('BAD_USAGE', `not a remote address: ${JSON.stringify(shown)}`);
  }
  if (/^https?:\/\//i.test(text)) {
    let parsed: URL;
    try {
      parsed = new URL(text);
    } catch {
      throw new NbvError('BAD_USAGE', `not a valid URL: ${shown}`);
    }
    if (parsed.username !== '' || parsed.password !== '') {
      throw new NbvError(
        'BAD_USAGE',
        `${shown}: credentials do not belong in a remote's URL (it is saved in .nbv/config); give them in NBV_USERNAME and NBV_PASSWORD (or NBV_TOKEN), or through a git credential helper`,
      );
    }
    return { kind: 'http', url: text };
  }
  if (/^file:\/\//i.test(text)) {
    let folder: string;
    try {
      folder = fileURLToPath(text);
    } catch {
      throw new NbvError('BAD_USAGE', `not a valid file URL: ${shown}`);
    }
    return { kind: 'local', url: folder, localPath: folder };
  }
  if (/^ssh:\/\//i.test(text) || /^git\+ssh:\/\//i.test(text)) return { kind: 'ssh', url: text };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    throw new NbvError('BAD_USAGE', `${shown}: nbv speaks https://, http://, ssh:// and local folders (file://)`);
  }
  // git's rule: a colon before the first slash makes `host:path` an ssh address, unless the part
  // before it is a Windows drive letter.
  if (SCP_LIKE.test(text) && !/^[A-Za-z]:[\\/]/.test(text)) return { kind: 'ssh', url: text };
  const folder = path.resolve(cwd, text);
  return { kind: 'local', url: folder, localPath: folder };
}
