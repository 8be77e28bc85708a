/** The DcrClient lifecycle from YAML, Python and Go (lang-scenario.ts) against oidc-provider. */
import { langTests } from "./lang-scenario";

langTests("oidc-provider");
