/**
 * One Keycloak server process (`kc.sh start-dev --db=dev-mem`) on 127.0.0.1 and a port of its
 * own choosing, from the distribution scripts/ensure-keycloak.sh prepared (KEYCLOAK_HOME and
 * KEYCLOAK_JAVA_HOME, exported by scripts/test.sh; the script is run here when they are unset).
 * Everything the server writes at runtime (log, transaction object store) goes to a scratch
 * directory of its own, so any number of servers can start from one distribution at once.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { repoRoot } from "./engine";
import { spawnGroup, type ProcessGroup } from "./process-group";

/** Where the distribution and the JDK to run it are. */
export interface KeycloakInstall {
  home: string;
  javaHome: string;
  /** The pinned version (test/support/keycloak-version). */
  version: string;
}

export interface KeycloakProcess {
  /** http://127.0.0.1:<port>, Keycloak itself (no proxy). */
  origin: string;
  port: number;
  group: ProcessGroup;
  /** Seconds from spawn to serving requests. */
  startSeconds: number;
  stop(): Promise<void>;
}

/**
 * The build options the distribution was warmed up with (scripts/ensure-keycloak.sh passes the
 * same): a start with other build options would redo Keycloak's build step in the shared
 * distribution, slowly and racing with concurrent starts.
 */
const START_ARGS = ["start-dev", "--db=dev-mem", "--http-host=127.0.0.1", "--http-port=0"];

let install: KeycloakInstall | undefined;

/** KEYCLOAK_HOME / KEYCLOAK_JAVA_HOME, or what scripts/ensure-keycloak.sh prints; checked against the pinned version. */
export function keycloakInstall(): KeycloakInstall {
  if (install) return install;
  const version = fs.readFileSync(path.join(repoRoot, "test", "support", "keycloak-version"), "utf8").trim();
  let home = process.env.KEYCLOAK_HOME;
  let javaHome = process.env.KEYCLOAK_JAVA_HOME;
  if (!home || !javaHome) {
    const out = execFileSync("bash", [path.join(repoRoot, "scripts", "ensure-keycloak.sh")], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
    });
    [home, javaHome] = out.trim().split("\n");
  }
  if (!home || !javaHome) throw new Error("scripts/ensure-keycloak.sh printed no KEYCLOAK_HOME / java home");
  const have = fs.readFileSync(path.join(home, "version.txt"), "utf8");
  if (!have.includes(version))
    throw new Error(`KEYCLOAK_HOME=${home} holds "${have.trim()}", the tests pin ${version}`);
  install = { home, javaHome, version };
  return install;
}

/** The environment without settings that would change Keycloak's build options or JVM flags. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^(KC_|KEYCLOAK_|QUARKUS_|JAVA_OPTS|JAVA_ADD_OPENS|JAVA_TOOL_OPTIONS)/.test(name)) continue;
    env[name] = value;
  }
  return { ...env, ...extra };
}

function tail(file: string, lines = 30): string {
  try {
    return fs.readFileSync(file, "utf8").split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

/** Polls the log until Keycloak says where it listens; fails when the process exits or time runs out. */
async function waitForPort(logFile: string, group: ProcessGroup, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = fs.existsSync(logFile) ? fs.readFileSync(logFile, "utf8") : "";
    const match = /Listening on: http:\/\/127\.0\.0\.1:(\d+)/.exec(text);
    if (match) {
      if (text.includes("Updating the configuration")) {
        process.stderr.write(
          "keycloak: this start redid Keycloak's build step: the cached distribution was not warmed up for these build options\n",
        );
      }
      return Number(match[1]);
    }
    if (group.hasExited())
      throw new Error(`Keycloak exited during start (${String(await group.exited)}); log:\n${tail(logFile)}`);
    if (Date.now() > deadline)
      throw new Error(`Keycloak did not start within ${timeoutMs / 1000} s; log:\n${tail(logFile)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * Starts Keycloak with a bootstrap admin in the master realm (`adminUser` / `adminPassword`) and
 * resolves once it serves requests. The process is in its own group under a watchdog
 * (process-group.ts); `stop()` takes the whole group down.
 */
export async function launchKeycloak(opts: {
  adminUser: string;
  adminPassword: string;
  timeoutMs?: number;
}): Promise<KeycloakProcess> {
  const { home, javaHome } = keycloakInstall();
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-dcr-keycloak-"));
  const logFile = path.join(scratch, "keycloak.log");
  const began = performance.now();
  const group = spawnGroup(
    path.join(home, "bin", "kc.sh"),
    [...START_ARGS, `-Dquarkus.transaction-manager.object-store.directory=${path.join(scratch, "tx")}`],
    {
      env: cleanEnv({
        JAVA_HOME: javaHome,
        JAVA_OPTS_KC_HEAP: "-Xmx512m",
        KC_BOOTSTRAP_ADMIN_USERNAME: opts.adminUser,
        KC_BOOTSTRAP_ADMIN_PASSWORD: opts.adminPassword,
      }),
      logFile,
      scratchDir: scratch,
    },
  );
  try {
    const port = await waitForPort(logFile, group, opts.timeoutMs ?? 300_000);
    const origin = `http://127.0.0.1:${port}`;
    const ready = await fetch(`${origin}/realms/master`);
    await ready.arrayBuffer();
    if (ready.status !== 200) throw new Error(`Keycloak at ${origin} answered ${ready.status} for the master realm`);
    const startSeconds = Math.round((performance.now() - began) / 100) / 10;
    return { origin, port, group, startSeconds, stop: () => group.stop() };
  } catch (err) {
    await group.stop();
    throw err;
  }
}
