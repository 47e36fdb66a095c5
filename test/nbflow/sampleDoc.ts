// A small, deterministic stand-in for a real production workflow (the fixtures/ generator is the
// full one): 5 account tabs x 4 scenes x (image + video) = 40 generation nodes, plus a note per tab.

import { parseNbflow } from '../../src/nbflow/parse.js';
import type { NbflowDocument, NbflowNode, ParsedNbflow } from '../../src/nbflow/types.js';

export type Format = '2-space' | 'tabs' | 'crlf' | 'minified' | '4-space-crlf';
export const FORMATS: readonly Format[] = ['2-space', 'tabs', 'crlf', 'minified', '4-space-crlf'];

/** Stands for number spellings JSON.stringify never writes; the bytes must keep them verbatim. */
export const RAW_NUMBERS_MARKER = '"__RAW_NUMBERS__"';
export const RAW_NUMBERS = '[1.0, 1e3, -0.50, 2.50E-3, 12345678901234567890]';

function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const WORDS = ['cinematic', 'golden hour', 'close-up', 'café', 'naïve', 'rain-soaked', 'neon', 'Zürich', 'skyline', 'slow dolly', 'soft rim light', '35mm', 'film grain', 'avatar', 'over the shoulder'];

function prompt(rand: () => number, scene: number): string {
  let text = `Scene ${scene}: `;
  while (text.length < 300 + Math.floor(rand() * 500)) text += `${WORDS[Math.floor(rand() * WORDS.length)]}, `;
  return text + 'high detail 🎬';
}

function outputs(rand: () => number, id: string, ext: string): unknown[] {
  const count = 1 + Math.floor(rand() * 8);
  return Array.from({ length: count }, (_, i) =>
    i % 2 === 0 ? `https://cdn-bucket.r2.dev/out/${id}/${i}.${ext}` : { url: `https://cdn-bucket.r2.dev/out/${id}/${i}.${ext}`, seed: Math.floor(rand() * 1e6) },
  );
}

export function sceneLabel(scene: number): string {
  return `Scene ${String(scene).padStart(2, '0')}`;
}

/** Tab t (0-based) holds scenes 1-4 (even t) or 5-8 (odd t); node ids are `img-s03-a1`. */
export function buildSampleDoc(seed = 7): NbflowDocument {
  const rand = random(seed);
  const tabs = Array.from({ length: 5 }, (_, t) => {
    const account = `a${t + 1}`;
    const nodes: NbflowNode[] = [{ id: `note-${account}`, type: 'note', position: { x: 0, y: -200 }, data: { text: `Notes for account ${t + 1} — ✓` } }];
    const edges: Array<{ id: string; source: string; target: string }> = [];
    for (let k = 0; k < 4; k++) {
      const scene = (t % 2) * 4 + k + 1;
      const s = String(scene).padStart(2, '0');
      const img = `img-s${s}-${account}`;
      const vid = `vid-s${s}-${account}`;
      nodes.push({
        id: img,
        type: 'imageGen',
        position: { x: k * 400, y: 0 },
        data: {
          title: sceneLabel(scene),
          prompt: prompt(rand, scene),
          negativePrompt: 'blurry, extra fingers',
          model: 'NB2',
          avatarRef: `https://avatars-bucket.r2.dev/avatars/${account}-v2.png`,
          aspectRatio: '9:16',
          _savedImages: outputs(rand, img, 'png'),
        },
      });
      nodes.push({
        id: vid,
        type: 'videoGen',
        position: { x: k * 400, y: 300 },
        data: { title: sceneLabel(scene), prompt: prompt(rand, scene), model: 'veo-3', durationSeconds: 8, _savedClips: k === 3 ? [] : outputs(rand, vid, 'mp4') },
      });
      edges.push({ id: `e-${img}`, source: img, target: vid });
    }
    return { id: `acct-${t + 1}`, title: `Account ${t + 1}`, nodes, edges };
  });
  return { name: 'XYZG3', version: 2, settings: { runner: 'gen-runner', numbers: '__RAW_NUMBERS__', locale: 'fr-CH' }, tabs };
}

export function serialize(doc: unknown, format: Format): string {
  let text: string;
  if (format === 'minified') text = JSON.stringify(doc);
  else if (format === 'tabs') text = JSON.stringify(doc, null, '\t');
  else if (format === '4-space-crlf') text = JSON.stringify(doc, null, 4);
  else text = JSON.stringify(doc, null, 2);
  if (format === 'crlf' || format === '4-space-crlf') text = text.replace(/\n/g, '\r\n') + '\r\n';
  else if (format !== 'minified') text += '\n';
  return text.replace(RAW_NUMBERS_MARKER, RAW_NUMBERS);
}

export const encode = (text: string): Uint8Array => new TextEncoder().encode(text);
export const decode = (bytes: Uint8Array): string => new TextDecoder('utf-8', { fatal: true }).decode(bytes);

export function parseText(text: string, file = 'XYZG3-V0-3.nbflow'): ParsedNbflow {
  return parseNbflow(encode(text), file);
}

export function sampleParsed(format: Format = '2-space', file = 'XYZG3-V0-3.nbflow'): ParsedNbflow {
  return parseText(serialize(buildSampleDoc(), format), file);
}

/** Expects `fn` to throw an NbvError and returns it, so tests can check code and message. */
export function thrown(fn: () => unknown): { code: string; message: string; file?: string } {
  try {
    fn();
  } catch (err) {
    return err as { code: string; message: string; file?: string };
  }
  throw new Error('expected an error, but the call succeeded');
}
