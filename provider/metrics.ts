/**
 * The status metric, pushed to a Prometheus Pushgateway:
 * `<metricName>{status="success|rat_cached|rat_invalid|jwks_rotation_failed"} 1` (by default
 * `bff_dcr_status`, the name the bootstrap helper used, so existing alerts keep working), grouped
 * by job `pulumi_dcr` and the client's id. A Pushgateway that is down only logs a warning.
 */
import { DEFAULTS } from "./defaults";

/** The statuses the bootstrap helper reported. */
export type DcrStatus = "success" | "rat_cached" | "rat_invalid" | "jwks_rotation_failed";

/** Text exposition body for one status. */
export function statusBody(status: DcrStatus, metricName: string = DEFAULTS.metricName): string {
  return `# HELP ${metricName} Outcome of the last DCR operation (pulumi-dcr).\n# TYPE ${metricName} gauge\n${metricName}{status="${status}"} 1\n`;
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
  metricName: string = DEFAULTS.metricName,
  timeoutMs = 5000,
): Promise<void> {
  if (!pushgatewayUrl) return;
  const url = groupUrl(pushgatewayUrl, clientId);
  try {
    const res = await fetch(url, {
      method: "PUT",
      headers: { "content-type": "text/plain; version=0.0.4" },
      body: statusBody(status, metricName),
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.body?.cancel();
    if (!res.ok)
      warn(`pushing ${metricName} to the Pushgateway failed: HTTP ${res.status} from ${new URL(url).origin}`);
  } catch (e) {
    warn(`pushing ${metricName} to the Pushgateway at ${new URL(url).origin} failed: ${(e as Error).message}`);
  }
}
