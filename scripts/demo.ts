/**
 * The main job: an embedded IdP (oidc-provider) on loopback, `pulumi up` of the root program
 * (index.ts) with the real Pulumi CLI and a local file backend, proof that the registered key
 * signs in, a clean `preview --expect-no-changes`, then destroy and clean-up.
 */
import * as path from "node:path";
import { startOidcIdp } from "../test/support/oidc-idp";
import { createEngineStack, repoRoot } from "../test/support/engine";

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
  try {
    console.log("demo: pulumi up …");
    const up = await engine.up();
    const out = (k: string) => up.outputs[k]?.value as string;
    console.log(`demo: up ${up.summary.result} in ${secondsOf(up.summary)} s`);
    console.log(`demo:   clientId        ${out("clientId")}`);
    console.log(`demo:   activeKid       ${out("activeKid")}`);
    console.log(`demo:   nextRotationAt  ${out("nextRotationAt")}`);
    const token = await idp.clientCredentials(out("clientId"), {
      privateKeyPem: out("privateKeyPem"),
      kid: out("activeKid"),
      alg: "ES256",
    });
    console.log(`demo: private_key_jwt client_credentials at the token endpoint → HTTP ${token.status}`);
    if (token.status !== 200) throw new Error("the registered key did not authenticate");

    await engine.preview({ expectNoChanges: true });
    console.log("demo: pulumi preview --expect-no-changes → no changes");
    const destroy = await engine.destroy();
    console.log(`demo: destroy ${destroy.summary.result}; client deleted at the IdP: ${idp.getClient(out("clientId")) === undefined}`);
  } finally {
    await engine.dispose();
    await idp.close();
  }
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
