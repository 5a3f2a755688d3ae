/**
 * actions/upload-artifact@v4 and download-artifact@v4, emulated with their documented semantics
 * so a rehearsal hands between jobs exactly what GitHub would:
 * - `path` is one pattern a line; a line starting with `!` excludes; `**` spans directories, `*`
 *   and `?` stay within one; a pattern that names a directory takes everything below it.
 * - Files and directories whose name starts with a dot are left out unless include-hidden-files.
 * - The artifact's root is the least common ancestor of the patterns' search paths (the part
 *   before the first wildcard; for a single file, its directory), so the layout inside the
 *   artifact is relative to it, and download-artifact recreates it under its `path`.
 * - Nothing matched fails the upload (if-no-files-found: error) or warns (the default).
 */
import { cpSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

export interface UploadOptions {
  name: string;
  path: string;
  includeHiddenFiles?: boolean;
  ifNoFilesFound?: 'warn' | 'error' | 'ignore';
}

const isGlob = (segment: string) => /[*?[]/.test(segment);

/** A glob as a regular expression over POSIX relative paths. */
function globRegex(pattern: string): RegExp {
  let source = '';
  const parts = pattern.replace(/\/+$/, '').split('/');
  parts.forEach((part, i) => {
    const last = i === parts.length - 1;
    if (part === '**') {
      source += last ? '.*' : '(?:[^/]+/)*';
      return;
    }
    source += part
      .replace(/[.+^${}()|\\]/g, '\\$&')
      .replaceAll('*', '[^/]*')
      .replaceAll('?', '[^/]');
    if (!last) source += '/';
  });
  // A pattern that names a directory takes everything below it.
  return new RegExp(`^${source}(?:/.*)?$`);
}

function walk(root: string, dir = ''): string[] {
  const full = path.join(root, dir);
  if (!existsSync(full)) return [];
  return readdirSync(full, { withFileTypes: true }).flatMap((entry) => {
    const rel = dir ? `${dir}/${entry.name}` : entry.name;
    return entry.isDirectory() ? walk(root, rel) : [rel];
  });
}

/** The part of a pattern before its first wildcard segment. */
function searchPath(pattern: string): string {
  const parts = pattern.replace(/\/+$/, '').split('/');
  const index = parts.findIndex(isGlob);
  return (index === -1 ? parts : parts.slice(0, index)).join('/');
}

function commonAncestor(paths: string[]): string {
  const [first = [], ...rest] = paths.map((p) => p.split('/'));
  const common: string[] = [];
  for (const [i, segment] of first.entries()) {
    if (!rest.every((s) => s[i] === segment)) break;
    common.push(segment);
  }
  return common.join('/');
}

/** The files an upload takes, relative to the workspace, and the root they are stored under. */
export function selectForUpload(workspace: string, options: UploadOptions): { root: string; files: string[] } {
  const lines = options.path
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const includes = lines.filter((l) => !l.startsWith('!'));
  const excludes = lines.filter((l) => l.startsWith('!')).map((l) => globRegex(l.slice(1)));
  const hidden = (rel: string) => rel.split('/').some((segment) => segment.startsWith('.'));
  const files = new Set<string>();
  for (const pattern of includes) {
    const regex = globRegex(pattern);
    for (const file of walk(workspace, searchPath(pattern).split('/').slice(0, -1).join('/') || '')) {
      if (!regex.test(file)) continue;
      if (!options.includeHiddenFiles && hidden(file)) continue;
      if (excludes.some((e) => e.test(file))) continue;
      files.add(file);
    }
  }
  let root = commonAncestor(includes.map(searchPath));
  if (root && existsSync(path.join(workspace, root)) && statSync(path.join(workspace, root)).isFile()) root = path.posix.dirname(root);
  if (root === '.') root = '';
  return { root, files: [...files].sort() };
}

export class ArtifactStore {
  constructor(private readonly dir: string) {}

  upload(workspace: string, options: UploadOptions): string[] {
    const { root, files } = selectForUpload(workspace, options);
    if (files.length === 0 && (options.ifNoFilesFound ?? 'warn') === 'error') {
      throw new Error(`upload-artifact ${options.name}: no files were found with the provided path: ${options.path.trim()}`);
    }
    if (existsSync(path.join(this.dir, options.name))) throw new Error(`upload-artifact ${options.name}: an artifact of that name exists (v4 refuses)`);
    for (const file of files) {
      const inArtifact = root ? path.posix.relative(root, file) : file;
      mkdirSync(path.dirname(path.join(this.dir, options.name, inArtifact)), { recursive: true });
      cpSync(path.join(workspace, file), path.join(this.dir, options.name, inArtifact));
    }
    return files.map((f) => (root ? path.posix.relative(root, f) : f));
  }

  download(workspace: string, name: string, into = '.'): string[] {
    const source = path.join(this.dir, name);
    if (!existsSync(source)) throw new Error(`download-artifact: no artifact named ${name} in this run`);
    const files = walk(source);
    for (const file of files) {
      mkdirSync(path.dirname(path.join(workspace, into, file)), { recursive: true });
      cpSync(path.join(source, file), path.join(workspace, into, file));
    }
    return files;
  }
}
