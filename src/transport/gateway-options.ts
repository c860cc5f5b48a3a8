import type { OriginCheck, Principal } from '../auth/index.ts';
import type { Logger } from '../observability/index.ts';
import type { SessionLimits } from './ws-session.ts';

/** What a WebSocket gateway (WsGateway, UwsGateway) is configured with. */
export interface GatewayOptions {
  /** The largest message a client may send; a larger one closes the connection with 1009. */
  maxPayloadBytes: number;
  connectionsPerIp: number;
  newConnectionsPerIpPerSecond: number;
  /** How often a silent peer is pinged; one that stays silent is dropped. */
  heartbeatMs: number;
  limits: SessionLimits;
  originAllowed: OriginCheck;
  /** Verifies a token into a principal; rejects with an UNAUTHORIZED VaneError. */
  authenticate: (token: string | null) => Promise<Principal>;
  now: () => number;
  logger: Logger;
}
