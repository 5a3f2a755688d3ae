/**
 * Builds every Lambda of one app: apps/<app>/src/functions/<name>.ts becomes
 * dist/apps/<app>/<name>/index.js (esbuild, one bundle per function, AWS SDK included so the
 * deployed code runs the SDK version we tested) and dist/apps/<app>/<name>.zip.
 * Zips are byte-for-byte reproducible (sorted entries, fixed timestamps), so an unchanged
 * function keeps its hash and Terraform does not redeploy it.
 * Usage: tsx tools/nx-plugin/operations/lambda-bundle/bundle.ts <projectRoot> <outDir>
 */
import { build, type Plugin } from 'esbuild';
import { createHash } from 'node:crypto';
import { createWriteStream, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ZipFile } from 'yazl';

/** Lambda's runtime; esbuild lowers syntax only as far as this needs. */
const NODE_TARGET = 'node24';
const FIXED_MTIME = new Date('1980-01-01T00:00:00Z');

/**
 * CommonJS packages that only define their exports when loaded. esbuild must assume any
 * CommonJS module has side effects and keeps every one imported anywhere in the graph; marked
 * free of them, a package stays out of the functions that never use it (the poster's HTTP
 * parser is in join, leave, $disconnect and delivery, not in every chat-ws function).
 */
const SIDE_EFFECT_FREE = /^http-parser-js$/;
const RESOLVING = Symbol('side-effect-free');
const sideEffectFree: Plugin = {
  name: 'side-effect-free',
  setup(plugin) {
    plugin.onResolve({ filter: SIDE_EFFECT_FREE }, async (args) => {
      if (args.pluginData === RESOLVING) return undefined;
      const resolved = await plugin.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: RESOLVING });
      return resolved.errors.length > 0 ? { errors: resolved.errors } : { path: resolved.path, sideEffects: false };
    });
  },
};

async function zipDirectory(dir: string, zipPath: string): Promise<void> {
  const zip = new ZipFile();
  for (const file of readdirSync(dir).sort()) {
    zip.addBuffer(readFileSync(path.join(dir, file)), file, { mtime: FIXED_MTIME, mode: 0o100644 });
  }
  zip.end();
  await new Promise<void>((resolve, reject) => {
    zip.outputStream.pipe(createWriteStream(zipPath)).on('close', resolve).on('error', reject);
  });
}

async function main(): Promise<void> {
  const [projectRoot, outDir] = process.argv.slice(2);
  if (!projectRoot || !outDir) throw new Error('usage: build-lambdas.ts <projectRoot> <outDir>');
  const functionsDir = path.join(projectRoot, 'src', 'functions');
  const names = readdirSync(functionsDir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts'))
    .map((f) => f.slice(0, -3))
    .sort();
  if (names.length === 0) throw new Error(`no functions in ${functionsDir}`);
  rmSync(outDir, { recursive: true, force: true });

  const manifest: Record<string, { zip: string; sha256: string; bytes: number }> = {};
  for (const name of names) {
    const bundleDir = path.join(outDir, name);
    await build({
      entryPoints: [path.join(functionsDir, `${name}.ts`)],
      outfile: path.join(bundleDir, 'index.js'),
      bundle: true,
      platform: 'node',
      target: NODE_TARGET,
      format: 'cjs',
      // The SDK's ES module builds: esbuild drops what a function never calls (about a third of the
      // SDK's weight here); the CommonJS builds are one file per package, kept whole.
      mainFields: ['module', 'main'],
      alias: { '@aws-sdk/credential-provider-node': path.join(__dirname, 'lambda-env-credentials.ts') },
      minify: true,
      sourcemap: 'linked',
      sourcesContent: false,
      legalComments: 'none',
      tsconfig: 'tsconfig.base.json',
      logLevel: 'warning',
      plugins: [sideEffectFree],
    });
    const zipPath = path.join(outDir, `${name}.zip`);
    await zipDirectory(bundleDir, zipPath);
    const bytes = readFileSync(zipPath);
    manifest[name] = {
      zip: path.basename(zipPath),
      sha256: createHash('sha256').update(bytes).digest('base64'),
      bytes: bytes.length,
    };
    console.log(`${path.join(outDir, name)}.zip  ${(bytes.length / 1024).toFixed(1)} KiB`);
  }
  writeFileSync(path.join(outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
