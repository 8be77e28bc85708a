/**
 * The main job: an embedded IdP (oidc-provider) on loopback, `pulumi up` of the root program
 * (index.ts) with the real Pulumi CLI and a local file backend, proof that the registered key
 * signs in, the rotation calendar the key planner computes for the client, then the two steps
 * of a rotation with publishAheadDays (DCR_NOW on the calendar's dates): the next key is
 * published and already signs in before it is active; on its date it becomes the active key
 * with no request to the IdP. Then a clean `preview --expect-no-changes`, destroy and clean-up.
 */
import * as path from "node:path";
import { startOidcIdp } from "../test/support/oidc-idp";
import { createEngineStack, repoRoot, type EngineStack } from "../test/support/engine";
import { dcrClients, exportWithSecrets, pulumiCli } from "../test/support/engine-ops";
import { rotationCalendar, type CalendarEntry } from "../provider/plan/calendar";
import { policyOf } from "../provider/plan/diff";
import type { DcrOutputs } from "../provider/types";

const DAY = 86_400_000;

async function main(): Promise<void> {
  const idp = await startOidcIdp();
  console.log(`demo: oidc-provider listening at ${idp.issuer}`);
  const programPath = path.join(repoRoot, ".build", "index.js");
  const engine = await createEngineStack({
    projectName: "pulumi-dcr-demo",
    program: async () => {
      delete require.cache[require.resolve(programPath)]; // each run registers the resources again
      return require(programPath) as Record<string, unknown>;
    },
    config: {
      "dcr:issuer": { value: idp.issuer },
      "dcr:initialAccessToken": { value: idp.initialAccessToken, secret: true },
    },
  });
  /** A private_key_jwt client_credentials grant at the IdP's token endpoint with this key. */
  const signIn = async (clientId: string, kid: string, privateKeyPem: string) => {
    const token = await idp.clientCredentials(clientId, { privateKeyPem, kid, alg: "ES256" });
    console.log(
      `demo: private_key_jwt client_credentials with key ${kid} at the token endpoint → HTTP ${token.status}`,
    );
    if (token.status !== 200) throw new Error(`key ${kid} did not authenticate`);
  };
  try {
    console.log("demo: pulumi up …");
    const up = await engine.up();
    const out = (k: string) => up.outputs[k]?.value as string;
    console.log(`demo: up ${up.summary.result} in ${secondsOf(up.summary)} s`);
    console.log(`demo:   clientId        ${out("clientId")}`);
    console.log(`demo:   activeKid       ${out("activeKid")}`);
    console.log(`demo:   nextRotationAt  ${out("nextRotationAt")}`);
    const clientId = out("clientId");
    await signIn(clientId, out("activeKid"), out("privateKeyPem"));

    const calendar = await printCalendar(engine, new Date());
    const publish = calendar.find((e) => e.kind === "publish");
    const activate = calendar.find((e) => e.kind === "activate" && e.kid === publish?.kid);
    if (!publish || !activate) throw new Error("the calendar has no publication ahead of use");

    engine.setEnv("DCR_NOW", publish.at);
    console.log(`demo: DCR_NOW=${publish.at} (the publication date) pulumi up …`);
    const ahead = await engine.up();
    const nextKid = ahead.outputs.nextKid?.value as string;
    console.log(
      `demo:   activeKid ${ahead.outputs.activeKid?.value as string} (unchanged), nextKid ${nextKid}, active from ${ahead.outputs.nextKeyActivatesAt?.value as string}`,
    );
    // What an application runs to pre-load the next key (the real CLI, as documented in docs/operations.md).
    const nextPem = (await pulumiCli(engine, ["stack", "output", "--show-secrets", "nextPrivateKeyPem"])).stdout.trim();
    console.log(
      "demo: pulumi stack output --show-secrets nextPrivateKeyPem → the next key's PEM; it signs in before it is active:",
    );
    await signIn(clientId, nextKid, nextPem);

    engine.setEnv("DCR_NOW", activate.at);
    idp.requests.reset();
    console.log(`demo: DCR_NOW=${activate.at} (the activation date) pulumi up …`);
    const switched = await engine.up();
    console.log(
      `demo:   activeKid ${switched.outputs.activeKid?.value as string}; IdP requests during this up: ${idp.requests.count()}`,
    );
    if (switched.outputs.activeKid?.value !== nextKid || idp.requests.count() !== 0)
      throw new Error("the switch did not happen without IdP requests");
    const activePem = (await pulumiCli(engine, ["stack", "output", "--show-secrets", "privateKeyPem"])).stdout.trim();
    if (activePem !== nextPem) throw new Error("privateKeyPem is not the PEM published ahead");
    console.log(
      "demo: pulumi stack output --show-secrets privateKeyPem → the very PEM pre-loaded as nextPrivateKeyPem",
    );

    await engine.preview({ expectNoChanges: true });
    console.log("demo: pulumi preview --expect-no-changes → no changes");
    const destroy = await engine.destroy();
    console.log(
      `demo: destroy ${destroy.summary.result}; client deleted at the IdP: ${idp.getClient(clientId) === undefined}`,
    );
  } finally {
    await engine.dispose();
    await idp.close();
  }
}

/** Prints the calendar the key planner computes from the client's state (62 days: one key's life). */
async function printCalendar(engine: EngineStack, from: Date): Promise<CalendarEntry[]> {
  const { resources } = await exportWithSecrets(engine);
  const outs = dcrClients(resources).get("bff")?.outputs as unknown as DcrOutputs;
  const policy = policyOf(outs.desired);
  const state = {
    managed: outs.keys,
    usedKids: outs.usedKids,
    ...(outs.appliedTrigger !== undefined ? { appliedTrigger: outs.appliedTrigger } : {}),
  };
  const entries = rotationCalendar(state, policy, from, new Date(from.getTime() + 62 * DAY), {
    kidPrefix: outs.desired.kidPrefix,
  });
  console.log(
    `demo: rotation calendar (rotateAfterDays ${policy.rotateAfterDays}, publishAheadDays ${policy.publishAheadDays ?? 0}, retireAfterDays ${policy.retireAfterDays}, maxKeys ${policy.maxKeys}):`,
  );
  console.log(`demo:   ${outs.keys[0]?.createdAt.slice(0, 16)}  active    ${outs.activeKid}`);
  for (const e of entries) {
    const note = e.kind === "publish" ? ` (new key; active from ${e.activatesAt?.slice(0, 16)})` : "";
    console.log(`demo:   ${e.at.slice(0, 16)}  ${e.kind.padEnd(9)} ${e.kid}${note}`);
  }
  return entries;
}

function secondsOf(s: { startTime: Date; endTime: Date }): string {
  return ((new Date(s.endTime).getTime() - new Date(s.startTime).getTime()) / 1000).toFixed(1);
}

main().then(
  () => console.log("demo: done"),
  (e: unknown) => {
    console.error(`demo: failed: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
