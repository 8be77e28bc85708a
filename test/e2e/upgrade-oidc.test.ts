/** The upgrade test (upgrade-scenario.ts) on oidc-provider: RFC 7592 GET + PUT, the RAT rotated on every PUT. */
import { upgradeTest } from "./upgrade-scenario";

upgradeTest("oidc-provider");
