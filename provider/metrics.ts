/**
 * The seed's status metric, pushed to a Prometheus Pushgateway:
 * `bff_dcr_status{status="success|rat_cached|rat_invalid|jwks_rotation_failed"} 1`, grouped by
 * job `pulumi_dcr` and the client's id. A Pushgateway that is down only logs a warning.
 */

/** The statuses the seed helper reported. */
export type DcrStatus = "success" | "rat_cached" | "rat_invalid" | "jwks_rotation_failed";

/** Text exposition body for one status. */
export function statusBody(status: DcrStatus): string {
  return `# HELP bff_dcr_status Outcome of the last DCR operation (pulumi-dcr).\n# TYPE bff_dcr_status gauge\nbff_dcr_status{status="${status}"} 1\n`;
}

/** Pushgateway group URL for a client: /metrics/job/pulumi_dcr/client_id@base64/<id>. */
export function groupUrl(pushgatewayUrl: string, clientId: string): string {
  const base = pushgatewayUrl.replace(/\/+$/, "");
  return `${base}/metrics/job/pulumi_dcr/client_id@base64/${Buffer.from(clientId).toString("base64url")}`;
}

/**
 * PUT the status (replacing the group, so exactly one status is present). Never throws:
 * failures go to `warn`.
 */
export async function pushStatus(
  pushgatewayUrl: string | undefined,
  clientId: string,
  status: DcrStatus,
  warn: (message: string) => void,
  timeoutMs = 5000,
): Promise<void> {
  if (!pushgatewayUrl) return;
  const url = groupUrl(pushgatewayUrl, clientId);
  try {
    const res = await fetch(url, {
      method: "PUT",
      headers: { "content-type": "text/plain; version=0.0.4" },
      body: statusBody(status),
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.body?.cancel();
    if (!res.ok) warn(`pushing bff_dcr_status to the Pushgateway failed: HTTP ${res.status} from ${new URL(url).origin}`);
  } catch (e) {
    warn(`pushing bff_dcr_status to the Pushgateway at ${new URL(url).origin} failed: ${(e as Error).message}`);
  }
}
