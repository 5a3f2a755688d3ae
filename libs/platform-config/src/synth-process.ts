/**
 * How every tool runs the synth (stacks/src/main.ts): Node 24's large young generation lets the
 * short burst of short-lived construct objects peak at ~355 MB; 4 MB semi-spaces collect them
 * sooner (~230 MB for all 12 stacks, about 0.1 s slower). The synth target, cdktf.json and the
 * workflows pass the same flag.
 */
export const SYNTH_NODE_ARGS = ['--max-semi-space-size=4', '--import', 'tsx'];
