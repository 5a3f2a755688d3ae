/** Sends one frame to one connection through the API Gateway management API. */
export interface ConnectionPoster {
  post(connectionId: string, data: string): Promise<void>;
}
