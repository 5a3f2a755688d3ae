/**
 * Each failing test's heading and what Jest says under it (expected, received, where), wherever
 * it is in a long output; a console block (also headed ●) is not a failure.
 */
export function jestFailures(output: string, linesEach = 40): string {
  const lines = output.split('\n');
  return lines
    .flatMap((line, i) => {
      if (!/^\s*● /.test(line) || /^\s*● Console\s*$/.test(line)) return [];
      const next = lines.findIndex((l, j) => j > i && /^\s*● /.test(l));
      return [
        lines
          .slice(i, Math.min(next === -1 ? lines.length : next, i + linesEach))
          .join('\n')
          .trimEnd(),
      ];
    })
    .join('\n');
}
