import { existsSync } from 'node:fs';
import path from 'node:path';
import type { ChatFunction } from '@relay/runtime-contract';
import { workspaceRoot } from './workspace';

/**
 * Where a function's handler module is. `source` runs the TypeScript entry (tsx or Jest compile
 * it); `artifact` runs the esbuild bundle that ships in the zip, for runtime parity checks.
 */
export type HandlerSource = 'source' | 'artifact';

export function handlerModulePath(fn: ChatFunction, source: HandlerSource, root = workspaceRoot()): string {
  const file =
    source === 'artifact' ? path.join(root, 'dist', 'apps', fn.app, fn.name, 'index.js') : path.join(root, 'apps', fn.app, 'src', 'functions', `${fn.name}.ts`);
  if (!existsSync(file)) {
    const hint = source === 'artifact' ? ' (run `npx nx run-many -t build` first)' : '';
    throw new Error(`handler module for ${fn.name} not found at ${file}${hint}`);
  }
  return file;
}

/** Loads `handler` the way Lambda does: by file, after the environment is in place. */
export function loadHandler<T>(file: string): T {
  const mod = require(file) as { handler?: T };
  if (typeof mod.handler !== 'function') throw new Error(`${file} exports no handler function`);
  return mod.handler;
}
