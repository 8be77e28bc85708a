/** The DcrClient lifecycle from YAML, Python and Go (lang-scenario.ts) against Keycloak (started once for the file). */
import { langTests } from "./lang-scenario";

langTests("keycloak");
