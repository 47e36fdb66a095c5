import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, parseConfig } from '../../src/nbflow/config.js';
import {
  fingerprintDocument,
  MAX_INLINE_INPUT,
  provenanceOf,
  type NodeFingerprint,
} from '../../src/nbflow/fingerprint.js';
import { excerptPair, explainStale, malformedCache, propagateDownstream } from '../../src/nbflow/staleness.js';
import type { NbflowDocument, NbflowNode } from '../../src/nbflow/types.js';

const PROMPT = 'Tracking medium shot of Jane, sleeves rolled, ink on her fingertips, tired but alert, soft window light, 35mm, shallow depth of field, the desk cluttered with proofs and coffee cups, late evening in the print shop.';
const V1 = 'https://pub-19351462f1158d4ab7940a2eb604e207.r2.dev/avatars/jane-v1.png';
const V2 = 'https://pub-19351462f1158d4ab7940a2eb604e207.r2.dev/avatars/jane-v2.png';

/** One account tab as the team's workflows wire it: avatar loader -> image -> video. */
function workflow(edit: (nodes: Record<string, NbflowNode>) => void = () => {}): NbflowDocument {
  const nodes: Record<string, NbflowNode> = {
    avatar: { id: 'avatar-acct-1', type: 'avatarLoader', data: { title: 'Avatar: Jane', url: V1 } },
    img: {
      id: 'img-s03',
      type: 'imageGen',
      position: { x: 0, y: 0 },
      data: { title: 'Scene 03', prompt: PROMPT, model: 'NB1', avatarRef: V1, seed: 7, steps: 28, _savedImages: ['https://pub-1.r2.dev/out/s03/a.png', { url: 'https://pub-1.r2.dev/out/s03/b.png', seed: 9 }] },
    },
    vid: { id: 'vid-s03', type: 'videoGen', data: { title: 'Scene 03', prompt: 'Slow push in on her face.', model: 'veo-3', _savedClips: [{ url: 'https://pub-1.r2.dev/out/s03/c.mp4' }] } },
  };
  edit(nodes);
  return {
    name: 'XYZG3',
    tabs: [
      {
        id: 'acct-1',
        nodes: [nodes['avatar']!, nodes['img']!, nodes['vid']!],
        edges: [
          { id: 'e1', source: 'avatar-acct-1', target: 'img-s03', targetHandle: 'avatar' },
          { id: 'e2', source: 'img-s03', target: 'vid-s03' },
        ],
      },
    ],
  };
}

const fp = (doc: NbflowDocument, id: string): NodeFingerprint => fingerprintDocument(doc, DEFAULT_CONFIG).get(id)!;
const data = (node: NbflowNode) => node.data as Record<string, unknown>;

/** Reasons for the cache of `id` made under `before`, judged in `after`. */
function reasons(before: NbflowDocument, after: NbflowDocument, id: string, origin = {}) {
  return explainStale(fp(after, id), provenanceOf(fp(before, id)), DEFAULT_CONFIG, origin);
}

describe('fingerprintDocument', () => {
  it('is the same for the same inputs whatever the key order, presentation or cache', () => {
    const base = fp(workflow(), 'img-s03').fingerprint;
    const moved = workflow((n) => {
      n['img']!.position = { x: 400, y: 90 };
      data(n['img']!)['title'] = 'Scene 03 (hero)';
      data(n['img']!)['_savedImages'] = [];
      n['img']!.data = Object.fromEntries(Object.entries(data(n['img']!)).reverse());
    });
    expect(fp(moved, 'img-s03').fingerprint).toBe(base);
  });

  it('changes with every generation input and with the upstream avatar loader', () => {
    const base = fp(workflow(), 'img-s03').fingerprint;
    const edits: Array<(n: Record<string, NbflowNode>) => void> = [
      (n) => (data(n['img']!)['prompt'] = PROMPT + ' More rain.'),
      (n) => (data(n['img']!)['model'] = 'NB2'),
      (n) => (data(n['img']!)['avatarRef'] = V2),
      (n) => (data(n['img']!)['seed'] = 8),
      (n) => (data(n['avatar']!)['url'] = V2),
    ];
    const prints = edits.map((edit) => fp(workflow(edit), 'img-s03').fingerprint);
    expect(new Set([base, ...prints]).size).toBe(prints.length + 1);
  });

  it("folds in an upstream generation node's outputs, not its inputs", () => {
    const base = fp(workflow(), 'vid-s03').fingerprint;
    expect(fp(workflow((n) => (data(n['img']!)['prompt'] = 'new')), 'vid-s03').fingerprint).toBe(base);
    expect(fp(workflow((n) => (data(n['img']!)['_savedImages'] = ['https://pub-1.r2.dev/out/s03/z.png'])), 'vid-s03').fingerprint).not.toBe(base);
  });

  it('follows chains of pass-through nodes and survives a cycle', () => {
    const doc = workflow();
    doc.tabs[0]!.edges!.push({ source: 'img-s03', target: 'avatar-acct-1' });
    const prints = fingerprintDocument(doc, DEFAULT_CONFIG);
    expect(prints.size).toBe(3);
    expect(prints.get('vid-s03')!.upstream.map((u) => u.node)).toEqual(['img-s03']);
  });

  it('keeps short inputs verbatim and prompts by hash in provenance', () => {
    const record = provenanceOf(fp(workflow(), 'img-s03'));
    expect(record.inputs).toEqual({ model: 'NB1', avatarRef: V1, seed: 7, steps: 28 });
    expect(Object.keys(record.hashes ?? {})).toEqual(['prompt']);
    expect(JSON.stringify(record)).not.toContain('Tracking medium shot');
    expect(PROMPT.length).toBeGreaterThan(MAX_INLINE_INPUT);
    expect(Object.keys(record.upstream ?? {})).toEqual(['avatar-acct-1']);
  });

  it('uses only the configured inputFields when set', () => {
    const config = parseConfig({ inputFields: ['prompt', 'model'] }, 'cfg');
    const a = fingerprintDocument(workflow(), config).get('img-s03')!.fingerprint;
    const b = fingerprintDocument(workflow((n) => (data(n['img']!)['seed'] = 99)), config).get('img-s03')!.fingerprint;
    expect(b).toBe(a);
  });
});

describe('explainStale: one reason code per kind of change', () => {
  it('is empty when nothing changed', () => {
    expect(reasons(workflow(), workflow(), 'img-s03')).toEqual([]);
    expect(reasons(workflow(), workflow(), 'vid-s03')).toEqual([]);
  });

  it('prompt-changed, with excerpts when the text then is known', () => {
    const after = workflow((n) => (data(n['img']!)['prompt'] = PROMPT.replace('tired but alert', 'wide awake')));
    const bare = reasons(workflow(), after, 'img-s03');
    expect(bare).toEqual([expect.objectContaining({ code: 'prompt-changed', field: 'prompt', detail: 'prompt edited' })]);
    const full = reasons(workflow(), after, 'img-s03', { inputs: { prompt: PROMPT } });
    expect(full[0]!.detail).toContain('tired but alert');
    expect(full[0]!.detail).toContain('wide awake');
  });

  it('model-changed NB1 -> NB2', () => {
    const r = reasons(workflow(), workflow((n) => (data(n['img']!)['model'] = 'NB2')), 'img-s03');
    expect(r).toEqual([{ code: 'model-changed', detail: 'model NB1 -> NB2', field: 'model', before: 'NB1', after: 'NB2' }]);
  });

  it('reference-url-changed old -> new', () => {
    const r = reasons(workflow(), workflow((n) => (data(n['img']!)['avatarRef'] = V2)), 'img-s03');
    expect(r).toEqual([expect.objectContaining({ code: 'reference-url-changed', before: V1, after: V2, detail: 'avatarRef …/avatars/jane-v1.png -> …/avatars/jane-v2.png' })]);
  });

  it('input-changed for any other parameter, added or removed', () => {
    expect(reasons(workflow(), workflow((n) => (data(n['img']!)['steps'] = 30)), 'img-s03')).toEqual([
      expect.objectContaining({ code: 'input-changed', detail: 'steps 28 -> 30' }),
    ]);
    expect(reasons(workflow(), workflow((n) => delete data(n['img']!)['seed']), 'img-s03')).toEqual([
      expect.objectContaining({ code: 'input-changed', detail: 'seed 7 -> (none)' }),
    ]);
  });

  it('upstream-changed names what changed in the avatar loader', () => {
    const after = workflow((n) => (data(n['avatar']!)['url'] = V2));
    const origin = { upstreamInputs: new Map([['avatar-acct-1', { url: V1 }]]), upstreamNow: new Map([['avatar-acct-1', { url: V2 }]]) };
    expect(reasons(workflow(), after, 'img-s03', origin)).toEqual([
      { code: 'upstream-changed', detail: 'avatar-acct-1: url …/avatars/jane-v1.png -> …/avatars/jane-v2.png', node: 'avatar-acct-1' },
    ]);
  });

  it('upstream-regenerated and upstream-wiped for an image feeding a video', () => {
    const regenerated = workflow((n) => (data(n['img']!)['_savedImages'] = ['https://pub-1.r2.dev/out/s03/new.png']));
    expect(reasons(workflow(), regenerated, 'vid-s03').map((r) => [r.code, r.node])).toEqual([['upstream-regenerated', 'img-s03']]);
    const wiped = workflow((n) => (data(n['img']!)['_savedImages'] = []));
    expect(reasons(workflow(), wiped, 'vid-s03').map((r) => [r.code, r.node])).toEqual([['upstream-wiped', 'img-s03']]);
  });

  it('upstream-connected and upstream-disconnected when the wiring changes', () => {
    const cut = workflow();
    cut.tabs[0]!.edges = cut.tabs[0]!.edges!.filter((e) => e.target !== 'vid-s03');
    expect(reasons(workflow(), cut, 'vid-s03').map((r) => r.code)).toEqual(['upstream-disconnected']);
    expect(reasons(cut, workflow(), 'vid-s03').map((r) => r.code)).toEqual(['upstream-connected']);
  });

  it('fingerprint-changed when the hashes differ but no input does (settings changed)', () => {
    const current = fp(workflow(), 'img-s03');
    const recorded = { ...provenanceOf(current), fingerprint: '0'.repeat(64) };
    expect(explainStale(current, recorded, DEFAULT_CONFIG).map((r) => r.code)).toEqual(['fingerprint-changed']);
  });
});

describe('malformedCache', () => {
  it.each([
    ['a string instead of a list', 'oops', '_savedImages is not a list'],
    ['a number entry', ['https://x/a.png', 3], '_savedImages[1] is not an output'],
    ['an empty string entry', [''], '_savedImages[0] is not an output'],
  ])('flags %s', (_what, value, detail) => {
    const node = workflow((n) => (data(n['img']!)['_savedImages'] = value)).tabs[0]!.nodes[1]!;
    expect(malformedCache(node, DEFAULT_CONFIG)?.detail).toContain(detail);
  });

  it('accepts URL strings, objects and null', () => {
    expect(malformedCache(workflow().tabs[0]!.nodes[1]!, DEFAULT_CONFIG)).toBeNull();
    expect(malformedCache(workflow((n) => (data(n['img']!)['_savedImages'] = null)).tabs[0]!.nodes[1]!, DEFAULT_CONFIG)).toBeNull();
  });
});

describe('propagateDownstream and excerptPair', () => {
  it('reaches through pass-through nodes, naming the source', () => {
    const doc = workflow();
    expect([...propagateDownstream(doc, ['avatar-acct-1']).entries()]).toEqual([
      ['img-s03', ['avatar-acct-1']],
      ['vid-s03', ['avatar-acct-1']],
    ]);
    expect(propagateDownstream(doc, ['vid-s03']).size).toBe(0);
  });

  it('shows both texts from just before their first difference', () => {
    const [a, b] = excerptPair(PROMPT, PROMPT.replace('tired but alert', 'wide awake'));
    expect(a.startsWith('…')).toBe(true);
    expect(a).toContain('tired');
    expect(b).toContain('wide awake');
  });
});
