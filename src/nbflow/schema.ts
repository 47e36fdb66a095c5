// The shape of an .nbflow that the engine relies on, and nothing more. Only validation is used;
// the document handed on is the value JSON.parse built. So unknown fields are neither rejected nor
// copied: plain z.object ignores them (its output, which would drop them, is never used), and a
// node's `data` is only checked to be an object (JSON keys are strings already; its values are
// the engine's to read). A looseObject and a per-key record cost five times as much on a 5 MB
// workflow, and validation runs on every state a command reads.

import * as z from 'zod';

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const edgeSchema = z.object({
  source: z.string(),
  target: z.string(),
});

const nodeSchema = z.object({
  id: z.string().min(1, 'a node id cannot be empty'),
  type: z.string(),
  data: z.custom<Record<string, unknown>>(isPlainObject, 'expected an object').optional(),
});

const tabSchema = z.object({
  id: z.string(),
  title: z.string().optional(),
  nodes: z.array(nodeSchema),
  edges: z.array(edgeSchema).optional(),
});

export const nbflowSchema = z.object({
  name: z.string().optional(),
  tabs: z.array(tabSchema),
});
