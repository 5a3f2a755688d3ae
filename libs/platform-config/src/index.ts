export { environmentSchema, accountIdSchema, fargatePeakVcpu, UNRESERVED_LAMBDA_CONCURRENCY, type Environment, type EnvironmentInput } from './schema';
export { ACCOUNTS, REGION, GITHUB_REPOSITORY, CATALOGUE, DEPLOYED_TOKEN_CLAIMS, FLEET_START_MARGIN_MS, LOADGEN_TASK, previewInput } from './catalogue';
export {
  resolveEnvironment,
  validateCatalogue,
  previewName,
  previewNameForBranch,
  EnvironmentError,
  BASE_ENVIRONMENTS,
  type BaseEnvironmentName,
} from './resolve';
export {
  resourcePrefix,
  parameterPath,
  stateLocation,
  logBucketName,
  imageRepositoryName,
  imageDigestParameter,
  loadgenResultsBucket,
  loadgenLaunchParameter,
  RUNTIME_SECRETS,
  secretParameter,
  BOOTSTRAP_ROLES,
  permissionsBoundary,
  deployScope,
  previewDeployScope,
  type DeployScopeNames,
  DEPLOYED_COMPONENTS,
  deployedComponents,
  type DeployedComponent,
  PREVIEW_NAME_PREFIX,
  RESERVED_ENVIRONMENT_NAMES,
  previewOwnName,
  type RuntimeSecret,
  broadcastService,
  FLEET_ADMISSION_HEADER,
  FLEET_ADMISSION_CLOSED,
  fleetAdmission,
  IMAGE_TAG_PREFIXES,
} from './naming';
export { SYNTH_NODE_ARGS } from './synth-process';
export { GITHUB_ENVIRONMENTS, type GithubEnvironment } from './github-environments';
