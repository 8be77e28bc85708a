/** Publishing the next key ahead of use (publish-ahead-scenario.ts) on keycloak, through the real engine. */
import { publishAheadTests } from "./publish-ahead-scenario";

publishAheadTests("keycloak");
