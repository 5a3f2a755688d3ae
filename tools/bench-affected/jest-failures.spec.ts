import { jestFailures } from './jest-failures';

describe("bench:affected's report of a failed run", () => {
  const output = [
    '> nx run chat-core:test',
    '  ● Console',
    '    console.log',
    '      noise',
    '  ● rooms › refuses a full room',
    '    expect(received).toBe(expected)',
    '    Expected: 409',
    '    Received: 500',
    '> nx run bench:lint',
    ...Array.from({ length: 50 }, (_, i) => `later output ${i}`),
  ].join('\n');

  it("names each failing test with what Jest said under it, not the console's blocks or the run's last lines", () => {
    const report = jestFailures(output, 5);
    expect(report).toBe(
      ['  ● rooms › refuses a full room', '    expect(received).toBe(expected)', '    Expected: 409', '    Received: 500', '> nx run bench:lint'].join('\n'),
    );
  });

  it('is empty when no test failed (a lint or a build did)', () => {
    expect(jestFailures('> nx run chat-core:lint\nerror  no-unused-vars')).toBe('');
  });
});
