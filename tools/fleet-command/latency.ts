/** The metric whose percentiles each scenario's report plots. */
export const LATENCY: Record<string, string> = { 'broadcast-api': 'http_req_duration', 'chat-spike': 'chat_delivery_ms', 'chat-steady': 'chat_delivery_ms' };
