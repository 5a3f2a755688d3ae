/**
 * The repository's GitHub Environments and their protection rules, as code: the deploy roles
 * trust jobs by Environment (github-deploy-identity.ts), so who may approve a job in one is part
 * of the security model, not a setting someone remembers. tools/nx-plugin/scripts/github-environments.ts
 * applies this through GitHub's REST API (the bootstrap runs it), and a check fails when a
 * workflow names an Environment that is not declared here.
 */
export interface GithubEnvironment {
  /** Teams (slugs in the repository's organisation) whose members must approve a job. */
  reviewerTeams: string[];
  /** The person who triggered a run may not approve it. */
  preventSelfReview: boolean;
  /** The only branches whose runs may use the Environment. */
  branches: string[];
}

export const GITHUB_ENVIRONMENTS: Record<string, GithubEnvironment> = {
  dev: { reviewerTeams: [], preventSelfReview: false, branches: ['main'] },
  stag: { reviewerTeams: [], preventSelfReview: false, branches: ['main'] },
  prod: { reviewerTeams: ['platform'], preventSelfReview: true, branches: ['main'] },
  // A preview deploys a pull request's code: someone other than its author approves it.
  preview: { reviewerTeams: ['platform'], preventSelfReview: true, branches: ['main'] },
};
