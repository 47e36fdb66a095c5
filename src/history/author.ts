// Who made a change: --author, then NBV_AUTHOR, then the git config, then the OS user. The audit
// trail is only as good as this answer, so it never comes back empty.
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { NbvError } from '../errors.js';

export interface Author {
  name: string;
  email: string;
}

const NAME_EMAIL = /^\s*([^<>]*?)\s*<([^<>\s]*)>\s*$/;

export function parseAuthor(text: string, what: string): Author {
  const m = NAME_EMAIL.exec(text);
  const name = m ? m[1]! : text.trim();
  const email = m ? m[2]! : '';
  if (!name || /[<>\n\0]/.test(name)) {
    throw new NbvError('BAD_USAGE', `${what} '${text}' is not 'Name <email>' or a plain name`);
  }
  return { name, email };
}

function gitConfig(key: string): string | undefined {
  try {
    const out = execFileSync('git', ['config', '--get', key], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 2000,
    }).trim();
    return out || undefined;
  } catch {
    return undefined;
  }
}

export function resolveAuthor(explicit: string | undefined, env: NodeJS.ProcessEnv = process.env): Author {
  if (explicit) return parseAuthor(explicit, '--author');
  const fromEnv = env['NBV_AUTHOR'];
  if (fromEnv) return parseAuthor(fromEnv, 'NBV_AUTHOR');
  const gitName = gitConfig('user.name');
  if (gitName) return { name: gitName, email: gitConfig('user.email') ?? '' };
  const user = os.userInfo().username || 'unknown';
  return { name: user, email: `${user}@${os.hostname()}` };
}
