/**
 * What the proofs over a role's code (tools/role-calls/*) use of the policy tools: the IAM
 * evaluator, the AWS calls derived from a source file, and the roles and calls a synthesized
 * stack holds.
 */
export { evaluate, type Decision, type Request } from './iam/evaluate';
export { sdkCallsOf } from './iam/sdk-calls';
export { rolesOf, type SynthesizedRole } from './iam/synthesized-roles';
export { bootstrapRolePolicies, stackCalls, type StackCall } from './iam/stack-calls';
