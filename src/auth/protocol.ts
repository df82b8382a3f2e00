/** How clients carry a user token; shared by the Worker and the clients. */

/** Query parameter that carries a user token for browsers. */
export const TOKEN_QUERY_PARAM = "token";

/** Subprotocol the server selects when a socket offers it. */
export const STREAM_SUBPROTOCOL = "audio-stream";

/**
 * Prefix of the subprotocol that carries the token: browsers cannot set
 * headers on a WebSocket, so they offer `["audio-stream", "bearer.<token>"]`.
 */
export const TOKEN_SUBPROTOCOL_PREFIX = "bearer.";
