/**
 * The one region the local runtime claims to be: handlers sign for it, and its endpoints
 * refuse a signature scoped to any other, as AWS's do.
 */
export const LOCAL_REGION = 'us-east-1';
