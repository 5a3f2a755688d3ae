/**
 * The kinds of role Relay's stacks create. A role's name ends with its family's suffix, its trust
 * names the family's service, and the deploy role may pass it to that service only
 * (iam:PassedToService), so a Lambda role can never become a task's or a schedule's.
 */
export const ROLE_FAMILIES = {
  lambda: { suffix: '-fn', service: 'lambda.amazonaws.com' },
  'ecs-task': { suffix: '-task', service: 'ecs-tasks.amazonaws.com' },
  'ecs-execution': { suffix: '-exec', service: 'ecs-tasks.amazonaws.com' },
  scheduler: { suffix: '-off-hours', service: 'scheduler.amazonaws.com' },
} as const;

export type RoleFamily = keyof typeof ROLE_FAMILIES;

const IAM_ROLE_NAME_LIMIT = 64;

/** `<base><suffix>`, shortening the base rather than the suffix that says the family. */
export function serviceRoleName(base: string, family: RoleFamily): string {
  const { suffix } = ROLE_FAMILIES[family];
  return `${base.slice(0, IAM_ROLE_NAME_LIMIT - suffix.length)}${suffix}`;
}

/** The family a role name belongs to, if any. */
export function roleFamilyOf(name: string): RoleFamily | undefined {
  return (Object.keys(ROLE_FAMILIES) as RoleFamily[]).find((family) => name.endsWith(ROLE_FAMILIES[family].suffix));
}
