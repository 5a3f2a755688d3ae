/**
 * What the checks over the repository read it with: its files, its root, and the project graph as
 * Nx computes it. `ci` checks the workflows and the configuration with them; `repo-checks` the
 * code of every project.
 */
export { dependenciesOf, projectOwning, readProjectGraph, type ProjectGraph } from './project-graph';
export { repoFiles, repoRoot } from './repo-files';
