// The tool's version, recorded in every op record so the audit trail says what wrote each commit.
import { readFileSync } from 'node:fs';

function readVersion(): string {
  try {
    // src/engine and dist/engine both sit two levels below the package root.
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

export const TOOL_VERSION = readVersion();
