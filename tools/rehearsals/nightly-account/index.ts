export { stag, startNightly, edgeLeft, type ChatEndpoints } from './nightly-account';
