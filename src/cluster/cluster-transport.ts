// What a real coordinator or worker process runs on: the system clock, the NATS JetStream backbone
// and the ws network, opened together from the command line's settings (`--nats URL`, the cluster
// token, the address to listen on). The protocol takes these three as its environment.

import type { Backbone, Clock } from "./backbone.js";
import { connectBackbone } from "./nats-backbone.js";
import { systemClock } from "./system-clock.js";
import { WsNetwork } from "./ws-network.js";

export interface ClusterTransportOptions {
  /** the NATS server, e.g. nats://127.0.0.1:4222 */
  nats: string;
  /** the cluster token: authenticates ws links between nodes (and is the NATS token unless natsToken is given) */
  token: string;
  /** NATS auth token when it differs from the cluster token; "" for a NATS without auth */
  natsToken?: string;
  /** names the JetStream stream, buckets and object store (default "sage") */
  cluster?: string;
  /** where the data plane listens (default 127.0.0.1:0, a free port) */
  host?: string;
  port?: number;
  /** the address peers should dial when it differs from ws://host:port */
  advertise?: string;
  /** each refused peer and why (a log line) */
  onRefused?: (reason: string, peer: string) => void;
}

export interface ClusterTransport {
  clock: Clock;
  backbone: Backbone;
  network: WsNetwork;
  close(): Promise<void>;
}

/** Connects to NATS (rejecting with an error that names the URL when it cannot) and prepares the ws network. */
export async function openClusterTransport(o: ClusterTransportOptions): Promise<ClusterTransport> {
  const natsToken = o.natsToken ?? o.token;
  const backbone = await connectBackbone(o.nats, { cluster: o.cluster, token: natsToken === "" ? undefined : natsToken });
  const network = new WsNetwork({ token: o.token, host: o.host, port: o.port, advertise: o.advertise, onRefused: o.onRefused });
  return {
    clock: systemClock,
    backbone,
    network,
    async close() {
      await network.close();
      await backbone.close();
    },
  };
}
