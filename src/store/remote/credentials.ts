// Where credentials for an http(s) remote come from, in this order: the environment
// (NBV_USERNAME + NBV_PASSWORD, or NBV_TOKEN), then git's own credential helpers through
// `git credential fill` when git is installed. They live in memory for one transfer only: nothing
// here writes them anywhere, and no message names them.
import { spawn } from 'node:child_process';

export interface Credentials {
  username: string;
  password: string;
  source: 'env' | 'helper';
}

export function envCredentials(env: NodeJS.ProcessEnv): Credentials | null {
  const token = env['NBV_TOKEN'];
  if (token) return { username: env['NBV_USERNAME'] || 'x-access-token', password: token, source: 'env' };
  const username = env['NBV_USERNAME'];
  const password = env['NBV_PASSWORD'];
  if (username !== undefined && password !== undefined) return { username, password, source: 'env' };
  return null;
}

function describe(url: string): string {
  const u = new URL(url);
  return `protocol=${u.protocol.replace(/:$/, '')}\nhost=${u.host}\npath=${u.pathname.replace(/^\//, '')}\n`;
}

/** Runs `git credential <action>` with `input`; stdout, or null when git is missing or fails. */
function gitCredential(action: 'fill' | 'approve' | 'reject', input: string, env: NodeJS.ProcessEnv): Promise<string | null> {
  return new Promise((resolve) => {
    // No terminal prompt unless a person is there to answer it.
    const promptEnv = process.stdin.isTTY ? {} : { GIT_TERMINAL_PROMPT: '0' };
    let child;
    try {
      child = spawn('git', ['credential', action], { env: { ...env, ...promptEnv }, stdio: ['pipe', 'pipe', 'ignore'] });
    } catch {
      resolve(null);
      return;
    }
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.on('error', () => resolve(null));
    child.on('close', (code) => resolve(code === 0 ? out : null));
    child.stdin.on('error', () => undefined);
    child.stdin.end(input + '\n');
  });
}

export async function helperCredentials(url: string, env: NodeJS.ProcessEnv): Promise<Credentials | null> {
  const out = await gitCredential('fill', describe(url), env);
  if (out === null) return null;
  const fields = new Map(out.split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  const username = fields.get('username');
  const password = fields.get('password');
  return username !== undefined && password !== undefined ? { username, password, source: 'helper' } : null;
}

/** Tells git's helpers whether the credentials they gave worked, as git itself does. */
export async function reportToHelper(url: string, creds: Credentials, ok: boolean, env: NodeJS.ProcessEnv): Promise<void> {
  if (creds.source !== 'helper') return;
  await gitCredential(ok ? 'approve' : 'reject', `${describe(url)}username=${creds.username}\npassword=${creds.password}\n`, env);
}
