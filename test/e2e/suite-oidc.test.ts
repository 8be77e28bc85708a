/** The suite's lifecycle (suite-scenario.ts) on oidc-provider, through the real engine, for RS256 and ES256. */
import { suiteTests } from "./suite-scenario";

suiteTests("oidc-provider");
