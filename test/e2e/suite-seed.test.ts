/** The suite's lifecycle (suite-scenario.ts) on seed, through the real engine, for RS256 and ES256. */
import { suiteTests } from "./suite-scenario";

suiteTests("seed");
