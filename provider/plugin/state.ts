/** What the plugin keeps for the life of its process, and the CoreContext of one request. */
import type { CoreContext } from "../core";
import { clock } from "../runtime";
import { PluginConfig } from "./config";
import { EngineLog } from "./engine-log";

/** The plugin process's state: config from Configure, the engine's log, BYO-key thumbprints. */
export class PluginState {
  readonly config = new PluginConfig();
  readonly log = new EngineLog();
  /** Thumbprints of bring-your-own keys (see CoreContext.thumbprints). */
  private readonly thumbprints = new Map<string, Promise<string>>();

  /** A CoreContext for one request on `urn`; call `flush()` before replying so its lines show first. */
  context(urn: string): CoreContext & { flush(): Promise<void> } {
    const log = this.log.forResource(urn);
    return { now: clock(), secrets: this.config.secrets(), log, thumbprints: this.thumbprints, flush: log.flush };
  }
}
