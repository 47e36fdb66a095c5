// Small helpers for answers and request bodies; the routes live in server.ts.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { NbvError, formatError, isNbvError } from '../errors.js';

const MAX_BODY = 64 * 1024;

export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

export function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

const STATUS_OF: Partial<Record<string, number>> = {
  UNKNOWN_WORKFLOW: 404,
  UNKNOWN_REF: 404,
  FILE_NOT_FOUND: 404,
  NOT_A_PROJECT: 404,
  LOCKED: 409,
  REF_CONFLICT: 409,
  CORRUPT_STORE: 500,
  IO: 500,
};

/** An NbvError becomes its code and one line; anything else is a 500 without internals. */
export function sendError(res: ServerResponse, err: unknown): void {
  if (isNbvError(err)) {
    sendJson(res, STATUS_OF[err.code] ?? 400, { error: { code: err.code, message: formatError(err) } });
    return;
  }
  sendJson(res, 500, { error: { code: 'INTERNAL', message: `unexpected error: ${err instanceof Error ? err.message : String(err)}` } });
}

export async function readJsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new NbvError('BAD_USAGE', `request body over ${MAX_BODY} bytes`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text.trim()) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new NbvError('BAD_USAGE', 'request body is not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new NbvError('BAD_USAGE', 'request body must be a JSON object');
  return value as Record<string, unknown>;
}
