/** The upgrade test (upgrade-scenario.ts) on the seed-style IdP: updates by PATCH, an admin API to renew the RAT. */
import { upgradeTest } from "./upgrade-scenario";

upgradeTest("seed");
