/**
 * `nx run policy:checkov`: synthesizes every environment and one preview, runs checkov over
 * them, writes reports/checkov/, prints the summary, and exits 1 on any open finding, parsing
 * error or stale exception.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { synthesizeInto } from '@relay/emulators';
import { runCheckov } from './checkov';
import { writeCheckovReport } from './report';

const outdir = mkdtempSync(path.join(tmpdir(), 'relay-checkov-synth-'));
synthesizeInto(outdir);
synthesizeInto(outdir, { RELAY_PREVIEW: 'erin' });
const started = performance.now();
const report = runCheckov(outdir);
process.stdout.write(writeCheckovReport(report, (performance.now() - started) / 1000));
if (report.open.length || report.parsingErrors.length || report.unused.length) process.exit(1);
