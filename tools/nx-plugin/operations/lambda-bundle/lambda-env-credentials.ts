import { fromEnv } from '@aws-sdk/credential-provider-env';

/**
 * Stands in for @aws-sdk/credential-provider-node inside Lambda bundles. Lambda always hands a
 * function its role's credentials in AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and
 * AWS_SESSION_TOKEN, which is the first link of the default chain; the rest of the chain (SSO,
 * ini files, processes, web identity, IMDS, with their own STS and SSO clients) never runs
 * there and was about 75 KB of every bundle. Missing variables fail as the SDK's own
 * CredentialsProviderError, naming them.
 */
export const defaultProvider: typeof import('@aws-sdk/credential-provider-node').defaultProvider = (init) => fromEnv(init);
