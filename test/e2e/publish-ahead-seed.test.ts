/** Publishing the next key ahead of use (publish-ahead-scenario.ts) on seed, through the real engine. */
import { publishAheadTests } from "./publish-ahead-scenario";

publishAheadTests("seed");
