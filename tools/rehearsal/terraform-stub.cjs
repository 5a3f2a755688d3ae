#!/usr/bin/env node
/**
 * terraform, as a rehearsal runs it: the hashicorp/aws provider cannot be had here, so no real
 * plan or apply can run. This stands in for the CLI: it records every invocation (working
 * directory and arguments) to RELAY_REHEARSAL_TF_LOG, and fails, as terraform would, when a file
 * it is asked to open is missing: the configuration for init/plan/apply/destroy/validate, the saved plan
 * for show and apply. `plan -out=F` writes F; `show -json F` prints an empty change set. With
 * RELAY_REHEARSAL_TF_EFFECTS (terraform-effects.ts), a successful apply or destroy also does to
 * the emulated account what it would have done, for the stacks that script knows.
 */
const { spawnSync } = require('node:child_process');
const { appendFileSync, existsSync, writeFileSync } = require('node:fs');
const path = require('node:path');

const args = process.argv.slice(2);
const cwd = process.cwd();
appendFileSync(process.env.RELAY_REHEARSAL_TF_LOG, `${JSON.stringify({ cwd, args })}\n`);
const need = (file) => {
  if (!existsSync(path.join(cwd, file))) {
    console.error(`terraform (rehearsal stub): ${file} does not exist in ${cwd}`);
    process.exit(1);
  }
};
const last = args[args.length - 1];
switch (args[0]) {
  case 'init':
    need('cdk.tf.json');
    break;
  case 'plan': {
    need('cdk.tf.json');
    const out = args.find((a) => a.startsWith('-out='));
    if (out) writeFileSync(path.join(cwd, out.slice('-out='.length)), 'rehearsal plan\n');
    break;
  }
  case 'show':
    need(last);
    process.stdout.write(JSON.stringify({ format_version: '1.2', resource_changes: [] }));
    break;
  case 'apply':
    need('cdk.tf.json');
    need(last);
    break;
  case 'destroy':
  case 'validate':
    need('cdk.tf.json');
    break;
  default:
    console.error(`terraform (rehearsal stub): "${args[0]}" is not rehearsed`);
    process.exit(1);
}

const effects = process.env.RELAY_REHEARSAL_TF_EFFECTS;
if (effects && (args[0] === 'apply' || args[0] === 'destroy')) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', effects, args[0], path.basename(cwd)], { stdio: 'inherit', env: process.env });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
