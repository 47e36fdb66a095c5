// Per-project settings for reading .nbflow documents. Defaults follow the team's workflows (the
// seed wiki): images cache in `_savedImages`, videos in `_savedClips`.

import * as z from 'zod';
import { NbvError } from '../errors.js';
import type { BackupsConfig, EstimatesConfig, NbflowConfig } from './types.js';
import { formatZodIssue } from './zodIssues.js';

/** Node types the team's tools are known to write, mapped to what they generate. */
const DEFAULT_KINDS: Record<string, 'image' | 'video'> = {
  imageGen: 'image',
  imageGeneration: 'image',
  'image-gen': 'image',
  image_gen: 'image',
  videoGen: 'video',
  videoGeneration: 'video',
  'video-gen': 'video',
  video_gen: 'video',
};

// Per-node seconds for `nbv plan`. Calibrated on the seed: its full pass of 40 nodes (20 image,
// 20 video) "~30-45 min" is 20 x 30-45 s + 20 x 60-90 s = 1800-2700 s.
const IMAGE_SECONDS = Object.freeze({ min: 30, max: 45 });
const VIDEO_SECONDS = Object.freeze({ min: 60, max: 90 });
const DEFAULT_ESTIMATES = Object.freeze({
  models: Object.freeze({ NB1: IMAGE_SECONDS, NB2: IMAGE_SECONDS, 'veo-3': VIDEO_SECONDS }),
  kinds: Object.freeze({ image: IMAGE_SECONDS, video: VIDEO_SECONDS, other: IMAGE_SECONDS }),
}) as EstimatesConfig;

// Frozen all the way down: it is shared by every caller that has no settings of its own.
export const DEFAULT_CONFIG: Readonly<NbflowConfig> = Object.freeze({
  cacheFields: Object.freeze(['_savedImages', '_savedClips']) as string[],
  presentationFields: Object.freeze(['position', 'size', 'collapsed', 'title', 'width', 'height', 'selected', 'dragging', 'zIndex']) as string[],
  inputFields: null,
  kinds: Object.freeze({ ...DEFAULT_KINDS }),
  promptFields: Object.freeze(['prompt', 'negativePrompt']) as string[],
  modelFields: Object.freeze(['model']) as string[],
  estimates: DEFAULT_ESTIMATES,
  // The seed's habit: every superseded version and every pre-change backup stays in backups/.
  backups: Object.freeze({ keep: Object.freeze({ superseded: 'all', preChange: 'all' }) }) as BackupsConfig,
});

// Names that would reach an object's prototype rather than a field of it.
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const fieldName = z
  .string()
  .min(1, 'a field name cannot be empty')
  .superRefine((name, ctx) => {
    if (UNSAFE_KEYS.has(name)) ctx.addIssue({ code: 'custom', message: `'${name}' cannot be a field name (it names the object's prototype)` });
  });

const fieldList = z
  .array(fieldName)
  .refine((list) => new Set(list).size === list.length, 'lists a field twice');

const secondsRange = z
  .strictObject({ min: z.number().nonnegative(), max: z.number().nonnegative() })
  .refine((r) => r.min <= r.max, 'min is more than max');
// A plain number is a range of one value.
const seconds = z.union([z.number().nonnegative().transform((n) => ({ min: n, max: n })), secondsRange]);
const estimatesSchema = z.strictObject({
  models: z.record(fieldName, seconds).default(() => structuredClone(DEFAULT_ESTIMATES.models)),
  kinds: z
    .strictObject({ image: seconds.optional(), video: seconds.optional(), other: seconds.optional() })
    .default({})
    .transform((k) => ({ ...structuredClone(DEFAULT_ESTIMATES.kinds), ...k }) as EstimatesConfig['kinds']),
});

const keepCount = z.union([z.literal('all'), z.number().int().nonnegative()]);
const backupsSchema = z.strictObject({
  keep: z.strictObject({ superseded: keepCount.default('all'), preChange: keepCount.default('all') }).default({ superseded: 'all', preChange: 'all' }),
});

// Strict on purpose: a misspelt setting ("cacheField") silently ignored would leave caches unguarded.
const configSchema = z
  .strictObject({
    cacheFields: fieldList.min(1, 'needs at least one cache field').default(() => [...DEFAULT_CONFIG.cacheFields]),
    presentationFields: fieldList.default(() => [...DEFAULT_CONFIG.presentationFields]),
    inputFields: fieldList.nullable().default(null),
    kinds: z.record(fieldName, z.enum(['image', 'video'])).default(() => ({ ...DEFAULT_KINDS })),
    promptFields: fieldList.default(() => [...DEFAULT_CONFIG.promptFields]),
    modelFields: fieldList.default(() => [...DEFAULT_CONFIG.modelFields]),
    estimates: estimatesSchema.default(() => structuredClone(DEFAULT_ESTIMATES)),
    backups: backupsSchema.default(() => ({ keep: { superseded: 'all' as const, preChange: 'all' as const } })),
  })
  .superRefine((config, ctx) => {
    // A cache field that is also an input would make every generation invalidate its own cache.
    const others = ['presentationFields', 'inputFields', 'promptFields', 'modelFields'] as const;
    for (const list of others) {
      for (const field of config[list] ?? []) {
        if (config.cacheFields.includes(field)) {
          ctx.addIssue({ code: 'custom', path: [list], message: `'${field}' is also a cache field` });
        }
      }
    }
  });

/** The JSON pointer of the first key anywhere in `value` that names a prototype, or null. zod drops
 * such keys of a record silently; a setting the user wrote must not vanish without a word. */
function prototypeKey(value: unknown, at = ''): string | null {
  if (value === null || typeof value !== 'object') return null;
  for (const key of Object.keys(value)) {
    if (UNSAFE_KEYS.has(key) && !Array.isArray(value)) return `${at}/${key}`;
    const inner = prototypeKey((value as Record<string, unknown>)[key], `${at}/${key}`);
    if (inner !== null) return inner;
  }
  return null;
}

/** `undefined` (no settings stored) gives the defaults. */
export function parseConfig(value: unknown, file: string): NbflowConfig {
  const unsafe = prototypeKey(value);
  if (unsafe !== null) {
    throw new NbvError('BAD_CONFIG', `${file}: invalid nbflow settings: ${unsafe}: '${unsafe.slice(unsafe.lastIndexOf('/') + 1)}' cannot be a setting name (it names the object's prototype)`, { file });
  }
  const result = configSchema.safeParse(value === undefined ? {} : value);
  if (!result.success) {
    const first = result.error.issues[0];
    const what = first === undefined ? 'invalid settings' : formatZodIssue(first, value);
    throw new NbvError('BAD_CONFIG', `${file}: invalid nbflow settings: ${what}`, { file });
  }
  return result.data;
}
