import { DockerfileParser } from 'dockerfile-ast';

/**
 * What an image must be, read from its Dockerfile: every base pinned by digest (a tag moves
 * under you), the last stage running as a non-root user, an exec-form CMD (the process is PID
 * 1's child via --init and receives SIGTERM, which starts the drain), no secret baked into the
 * image, and for a service a HEALTHCHECK on /health/live; a batch task (the k6 fleet's
 * generator) listens on nothing and says so with HEALTHCHECK NONE.
 */
export function dockerfileProblems(text: string, kind: 'service' | 'task' = 'service'): string[] {
  const dockerfile = DockerfileParser.parse(text);
  const problems: string[] = [];
  const froms = dockerfile.getFROMs();
  if (froms.length === 0) problems.push('no FROM');
  const stages = new Set(froms.map((f) => f.getBuildStage()).filter(Boolean));
  for (const from of froms) {
    const image = from.getImageName() ?? '';
    if (stages.has(image)) continue;
    if (!/^sha256:[0-9a-f]{64}$/.test(from.getImageDigest() ?? '')) problems.push(`FROM ${from.getArgumentsContent()}: not pinned by digest (image@sha256:…)`);
  }
  const instructions = dockerfile.getInstructions();
  const lastFrom = instructions.map((i) => i.getKeyword()).lastIndexOf('FROM');
  const finalStage = instructions.slice(lastFrom);
  const users = finalStage.filter((i) => i.getKeyword() === 'USER').map((i) => i.getArgumentsContent()?.trim() ?? '');
  const user = users.at(-1);
  if (!user) problems.push('the final stage has no USER: it would run as root');
  else if (/^(root|0)(:|$)/.test(user)) problems.push(`the final stage runs as ${user}`);
  const cmds = finalStage.filter((i) => i.getKeyword() === 'CMD');
  const cmd = cmds.at(-1)?.getArgumentsContent()?.trim() ?? '';
  if (!cmd) problems.push('no CMD');
  else if (!isExecForm(cmd)) problems.push(`CMD ${cmd}: shell form (a shell would be PID 1 and swallow SIGTERM); use ["node", "main.js"]`);
  const healthchecks = finalStage.filter((i) => i.getKeyword() === 'HEALTHCHECK');
  const healthcheck = healthchecks.at(-1)?.getArgumentsContent() ?? '';
  if (!healthcheck) problems.push('no HEALTHCHECK');
  else if (kind === 'task' && healthcheck.trim() !== 'NONE') problems.push('a batch task listens on nothing: HEALTHCHECK NONE');
  else if (kind === 'service' && !healthcheck.includes('/health/live')) problems.push('the HEALTHCHECK does not probe /health/live');
  for (const instruction of instructions) {
    const keyword = instruction.getKeyword();
    const args = instruction.getArgumentsContent() ?? '';
    if (keyword === 'ADD' && /https?:\/\//.test(args)) problems.push(`ADD ${args}: fetches at build time; download in a pinned, verified step`);
    if ((keyword === 'ENV' || keyword === 'ARG') && /(SECRET|TOKEN|PASSWORD|KEY)\w*=/i.test(args))
      problems.push(`${keyword} ${args}: a secret baked into the image`);
  }
  return problems;
}

function isExecForm(args: string): boolean {
  try {
    const parsed: unknown = JSON.parse(args);
    return Array.isArray(parsed) && parsed.length > 0 && parsed.every((p) => typeof p === 'string');
  } catch {
    return false;
  }
}
