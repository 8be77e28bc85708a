/**
 * The fault proxy itself: each fault does what the reliability suite relies on, seen from a
 * plain fetch client and from a counting upstream.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { startFaultProxy } from "../support/fault-proxy";
import { startLoggedServer } from "../support/request-log";

async function upstream() {
  return startLoggedServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      res.setHeader("content-type", "application/json");
      res.end(
        JSON.stringify({
          method: req.method,
          url: req.url,
          got: Buffer.concat(chunks).toString(),
          self: `http://127.0.0.1:${req.socket.localPort}/x`,
        }),
      );
    });
  });
}

async function attempt(
  url: string,
  init: RequestInit = {},
): Promise<{ status?: number; text?: string; error?: string }> {
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(60_000) }); // a guard against a hang, not a speed requirement
    return { status: res.status, text: await res.text() };
  } catch (e) {
    return { error: String((e as Error & { cause?: Error }).cause?.message ?? (e as Error).message) };
  }
}

test("fault proxy: forwards, counts, rewrites the upstream origin, and applies each fault once", async () => {
  const up = await upstream();
  const proxy = await startFaultProxy(`http://127.0.0.1:${up.port}`);
  try {
    const ok = await attempt(`${proxy.origin}/a?q=1`, { method: "POST", body: "hello" });
    assert.equal(ok.status, 200);
    const body = JSON.parse(ok.text as string) as Record<string, string>;
    assert.equal(body.url, "/a?q=1");
    assert.equal(body.got, "hello");
    assert.equal(body.self, `${proxy.origin}/x`, "upstream origin rewritten to the proxy's");
    assert.equal(up.requests.count(), 1);

    proxy.addRule({ method: "POST", path: "/a", action: { kind: "dropBefore" } });
    assert.ok(
      (await attempt(`${proxy.origin}/a`, { method: "POST", body: "x" })).error,
      "dropBefore: the caller sees a network error",
    );
    assert.equal(up.requests.count(), 1, "dropBefore: the upstream never saw it");

    proxy.addRule({ path: "/a", action: { kind: "dropAfter" } });
    assert.ok((await attempt(`${proxy.origin}/a`)).error, "dropAfter: the caller sees a network error");
    assert.equal(up.requests.count(), 2, "dropAfter: the upstream got it");

    proxy.addRule({
      path: /^\/b/,
      action: { kind: "status", status: 503, retryAfter: "1", body: (r) => `echo ${String(r.headers.authorization)}` },
    });
    const s = await attempt(`${proxy.origin}/b`, { headers: { authorization: "Bearer tok" } });
    assert.equal(s.status, 503);
    assert.equal(s.text, "echo Bearer tok");
    assert.equal(up.requests.count(), 2, "status: answered by the proxy");

    proxy.addRule({ action: { kind: "statusAfter", status: 502 } });
    assert.equal((await attempt(`${proxy.origin}/c`)).status, 502);
    assert.equal(up.requests.count(), 3, "statusAfter: applied upstream");

    proxy.addRule({ action: { kind: "truncate" } });
    const t = await attempt(`${proxy.origin}/d`);
    assert.ok(t.error, `truncate: reading the body fails (${JSON.stringify(t)})`);

    proxy.addRule({ action: { kind: "garble" } });
    const g = await attempt(`${proxy.origin}/e`);
    assert.equal(g.status, 200);
    assert.throws(() => JSON.parse(g.text as string));

    proxy.addRule({ action: { kind: "rewrite", transform: (r) => ({ ...r, status: 201, body: Buffer.from("{}") }) } });
    assert.deepEqual(await attempt(`${proxy.origin}/f`), { status: 201, text: "{}" });

    proxy.addRule({ action: { kind: "delay", ms: 200 } });
    const t0 = Date.now();
    assert.equal((await attempt(`${proxy.origin}/g`)).status, 200);
    assert.ok(Date.now() - t0 >= 190);

    proxy.addRule({ action: { kind: "huge", bytes: 50 * 1024 * 1024 } });
    const ac = new AbortController();
    const res = await fetch(`${proxy.origin}/h`, { signal: ac.signal });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    await reader.cancel();
    await new Promise((r) => setTimeout(r, 100));
    const huge = proxy.requests.find((e) => e.fault === "huge");
    assert.ok(huge && huge.bytesSent < 50 * 1024 * 1024, "huge: stops writing once the caller stops reading");

    proxy.down();
    assert.ok((await attempt(`${proxy.origin}/i`)).error);
    proxy.up();
    assert.equal((await attempt(`${proxy.origin}/i`)).status, 200);

    assert.equal(proxy.pendingRules(), 0, "every rule was used exactly once");
    assert.equal(proxy.faults("dropBefore"), 2);
    assert.equal(proxy.count(), 12);
    assert.equal(proxy.forwarded(), up.requests.count());
  } finally {
    await proxy.close();
    await up.close();
  }
});
