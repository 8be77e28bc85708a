/** The suite's lifecycle (suite-scenario.ts) on keycloak, through the real engine, for RS256 and ES256. */
import { suiteTests } from "./suite-scenario";

suiteTests("keycloak");
