export { environmentSchema, accountIdSchema, type Environment, type EnvironmentInput } from './schema';
export { ACCOUNTS, REGION, CATALOGUE, previewInput } from './catalogue';
export {
  resolveEnvironment,
  validateCatalogue,
  previewName,
  EnvironmentError,
  BASE_ENVIRONMENTS,
  type BaseEnvironmentName,
} from './resolve';
export { resourcePrefix, parameterPath, stateLocation } from './naming';
