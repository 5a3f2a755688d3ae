/**
 * Builds a container's image contents without Docker: one esbuild bundle of
 * <projectRoot>/src/main.ts, or of <entry> (Node 24, dependencies included) into <outDir>/main.js.
 * The Dockerfile only copies this directory, so tests can run exactly what ships.
 * Usage: tsx tools/nx-plugin/operations/service-bundle/bundle.ts <projectRoot> <outDir> [entry]
 */
import { build } from 'esbuild';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

async function main(): Promise<void> {
  const [projectRoot, outDir, entry] = process.argv.slice(2);
  if (!projectRoot || !outDir) throw new Error('usage: bundle.ts <projectRoot> <outDir> [entry]');
  rmSync(outDir, { recursive: true, force: true });
  await build({
    entryPoints: [entry ?? path.join(projectRoot, 'src', 'main.ts')],
    outfile: path.join(outDir, 'main.js'),
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'cjs',
    sourcemap: 'linked',
    sourcesContent: false,
    legalComments: 'none',
    tsconfig: 'tsconfig.base.json',
    logLevel: 'warning',
  });
  writeFileSync(path.join(outDir, 'package.json'), `${JSON.stringify({ name: path.basename(projectRoot), private: true, type: 'commonjs' }, null, 2)}\n`);
  console.log(`${outDir}/main.js`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
