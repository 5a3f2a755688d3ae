/** A scratch copy of the workspace to run a generator on, as a developer would on their checkout. */
export { scratchWorkspace, WORKSPACE, type Scratch } from './scratch-workspace';
