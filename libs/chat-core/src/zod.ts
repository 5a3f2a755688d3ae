import { config } from 'zod/mini';
import { en } from 'zod/locales';

/**
 * zod's tree-shakable build, for everything that runs in a Lambda: the classic build is about
 * 450 KB of every bundle whatever a function uses, zod/mini about 30 KB. Same parser and
 * issues; checks are composed (`z.string().check(z.minLength(1))`) instead of chained. The
 * English messages are loaded once here, so errors read as they do with the classic build.
 * Import it as a namespace, `import * as z`, so esbuild can still drop what is unused.
 */
config(en());

export * from 'zod/mini';
