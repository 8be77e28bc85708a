/**
 * `node --cpu-prof .build/bench/profile.js <op> [n]`: runs only OUR side of one protocol
 * operation (register | read | update | delete) n times against the seed-style fixture, for a CPU
 * profile of the overhead the bench measures. Summarise with cpuprofile-summary.js.
 */
import * as jose from "jose";
import { register, readClient, updateClient, deleteClient } from "../provider/protocol/registration";
import { withIdp } from "./idps";

const OPS = ["register", "read", "update", "delete"] as const;

async function main(): Promise<void> {
  const op = (process.argv[2] ?? "read") as (typeof OPS)[number];
  if (!OPS.includes(op)) throw new Error(`op must be one of ${OPS.join(", ")}`);
  const n = Number(process.argv[3] ?? "2000");
  const { publicKey } = await jose.generateKeyPair("ES256", { extractable: true });
  const jwk = { ...(await jose.exportJWK(publicKey)), kid: "profile-1", alg: "ES256", use: "sig" };
  const metadata = {
    token_endpoint_auth_method: "private_key_jwt",
    client_name: "profile",
    redirect_uris: ["https://bff.example.com/cb"],
    jwks: { keys: [jwk] },
  };
  const opts = { timeoutMs: 30_000 };
  await withIdp(process.env.BENCH_IDP === "oidc-provider" ? "oidc-provider" : "seed", async (idp) => {
    const t0 = performance.now();
    let { handle } = await register(idp.registrationEndpoint, metadata, idp.initialAccessToken, opts);
    for (let i = 0; i < n; i++) {
      if (op === "register") {
        await deleteClient(handle, opts);
        handle = (await register(idp.registrationEndpoint, metadata, idp.initialAccessToken, opts)).handle;
      } else if (op === "read") handle = (await readClient(handle, opts)).handle;
      else if (op === "update") handle = (await updateClient(handle, metadata, idp.updateMethod, opts)).handle;
      else {
        await deleteClient(handle, opts);
        handle = (await register(idp.registrationEndpoint, metadata, idp.initialAccessToken, opts)).handle;
      }
    }
    process.stdout.write(`${n} × ${op}: ${((performance.now() - t0) / n).toFixed(3)} ms each\n`);
  });
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
