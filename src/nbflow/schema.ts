// The shape of an .nbflow that the engine relies on, and nothing more: every object is loose so
// unknown fields pass validation. Only validation is used; the document handed on is the value
// JSON.parse built, because zod's output would reorder keys (known ones first).

import { z } from 'zod';

const edgeSchema = z.looseObject({
  source: z.string(),
  target: z.string(),
});

const nodeSchema = z.looseObject({
  id: z.string().min(1, 'a node id cannot be empty'),
  type: z.string(),
  data: z.record(z.string(), z.unknown()).optional(),
});

const tabSchema = z.looseObject({
  id: z.string(),
  title: z.string().optional(),
  nodes: z.array(nodeSchema),
  edges: z.array(edgeSchema).optional(),
});

export const nbflowSchema = z.looseObject({
  name: z.string().optional(),
  tabs: z.array(tabSchema),
});
