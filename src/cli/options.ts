// Options several commands share: node selectors and --json.
import { InvalidArgumentError, type Command } from 'commander';
import type { NodeSelector } from '../nbflow/types.js';

export const collect = (value: string, previous: string[] = []) => [...previous, value];

function kind(value: string, previous: string[] = []): string[] {
  if (value !== 'image' && value !== 'video') throw new InvalidArgumentError(`'${value}' is not image or video`);
  return [...previous, value];
}

export interface SelectorFlags {
  all?: boolean;
  node?: string[];
  scene?: string[];
  tab?: string[];
  kind?: Array<'image' | 'video'>;
}

export function addSelectorOptions(command: Command, withAll: boolean): Command {
  if (withAll) command.option('--all', 'every generation node');
  return command
    .option('--node <id>', 'a node by id (repeatable)', collect)
    .option('--scene <n>', "a scene by number: '03' matches 'Scene 03' (repeatable)", collect)
    .option('--tab <id>', 'only nodes of this account tab (repeatable)', collect)
    .option('--kind <kind>', 'only image or only video nodes (repeatable)', kind);
}

export function selectorFrom(flags: SelectorFlags): NodeSelector {
  const selector: NodeSelector = {};
  if (flags.all) selector.all = true;
  if (flags.node?.length) selector.nodes = flags.node;
  if (flags.scene?.length) selector.scenes = flags.scene;
  if (flags.tab?.length) selector.tabs = flags.tab;
  if (flags.kind?.length) selector.kinds = flags.kind;
  return selector;
}

export const isEmptySelector = (selector: NodeSelector) => Object.keys(selector).length === 0;

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`'${value}' is not a positive whole number`);
  return n;
}
