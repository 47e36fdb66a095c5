// A document as lines that a line diff reads as a per-node diff: what git's textconv shows in
// `git log -p` and `git show` (which do not run external diff drivers). Each node is a block
// headed by its id and tab; each field is a line of its own; a prompt is broken at its clauses, so
// an edited clause is one changed line; each cached output is a line, so a fill or a wipe shows as
// the outputs added or removed; each edge is a line "edge [tab] source -> target".

import type { NbflowConfig, NbflowDocument, NbflowNode } from './types.js';

const WIDTH = 100;

/** A prompt in lines: after each clause (`, ` `. ` `; `), and long clauses at a space. */
function promptLines(text: string): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split(/\r?\n/)) {
    for (let clause of paragraph.split(/(?<=[,.;:!?])\s+/)) {
      while (clause.length > WIDTH) {
        const cut = clause.lastIndexOf(' ', WIDTH);
        const at = cut > 0 ? cut : WIDTH;
        lines.push(clause.slice(0, at));
        clause = clause.slice(at).trimStart();
      }
      lines.push(clause);
    }
  }
  return lines;
}

const json = (value: unknown) => JSON.stringify(value) ?? 'null';

function nodeLines(node: NbflowNode, tab: string, config: NbflowConfig): string[] {
  const title = typeof node.data?.['title'] === 'string' ? ` ${json(node.data['title'])}` : '';
  const lines = [`node ${node.id} [${tab}] ${node.type}${title}`];
  for (const [key, value] of Object.entries(node)) {
    if (key === 'id' || key === 'type' || key === 'data') continue;
    lines.push(`  ${key}: ${json(value)}`);
  }
  for (const [key, value] of Object.entries(node.data ?? {})) {
    if (config.cacheFields.includes(key)) {
      const entries = Array.isArray(value) ? value : value === null || value === undefined ? [] : [value];
      lines.push(`  ${key}: ${entries.length} output${entries.length === 1 ? '' : 's'}`);
      for (const entry of entries) lines.push(`    ${typeof entry === 'string' ? entry : json(entry)}`);
    } else if (config.promptFields.includes(key) && typeof value === 'string') {
      lines.push(`  ${key}:`, ...promptLines(value).map((line) => `    ${line}`));
    } else {
      lines.push(`  ${key}: ${json(value)}`);
    }
  }
  return lines;
}

export function outlineDocument(doc: NbflowDocument, config: NbflowConfig): string {
  const lines: string[] = [];
  for (const [key, value] of Object.entries(doc)) {
    if (key === 'tabs') continue;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const [inner, v] of Object.entries(value)) lines.push(`${key}.${inner}: ${json(v)}`);
    } else lines.push(`${key}: ${json(value)}`);
  }
  for (const tab of doc.tabs) {
    lines.push('', `tab ${tab.id}${typeof tab.title === 'string' ? ` ${json(tab.title)}` : ''}`);
    for (const [key, value] of Object.entries(tab)) {
      if (key !== 'id' && key !== 'title' && key !== 'nodes' && key !== 'edges') lines.push(`  ${key}: ${json(value)}`);
    }
    for (const node of tab.nodes) lines.push('', ...nodeLines(node, tab.id, config));
    if (tab.edges?.length) lines.push('');
    for (const edge of tab.edges ?? []) {
      const extra = Object.entries(edge).filter(([k]) => k !== 'source' && k !== 'target' && k !== 'id');
      lines.push(`edge [${tab.id}] ${edge.source} -> ${edge.target}${extra.length ? ` ${json(Object.fromEntries(extra))}` : ''}`);
    }
  }
  return lines.join('\n') + '\n';
}
