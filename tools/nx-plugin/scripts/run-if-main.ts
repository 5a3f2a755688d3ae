/**
 * A tool script's entry: runs `main` only when the file itself was started (`node --import tsx
 * <file>`), not when a test imports it; a failure prints its message, without a stack, and
 * exits 1.
 */
export function runIfMain(entry: NodeModule, main: () => unknown): void {
  if (require.main !== entry) return;
  Promise.resolve()
    .then(main)
    .catch((error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exit(1);
    });
}
