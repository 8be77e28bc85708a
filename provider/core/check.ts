/** check: validate inputs before anything is sent; fails naming the property. */
import { isDcrError } from "../errors";
import { IAT_MISSING } from "../protocol/registration";
import { isCreateCall, lacksIat, secretArg } from "../plan/lifecycle";
import { validateInputs } from "../validate";
import type { DcrInputs } from "../types";
import type { CoreContext } from "./context";
import { pemThumbprint } from "./desired";
import type { CheckOutcome } from "./results";

/**
 * Validates `news` (raw, config strings allowed); `olds` are the previous inputs (none or empty
 * for a create), without any engine-private member.
 */
export async function checkOp(
  olds: Readonly<Record<string, unknown>> | undefined,
  news: Record<string, unknown>,
  ctx: CoreContext,
): Promise<CheckOutcome<DcrInputs>> {
  const { inputs, failures } = validateInputs(news);
  if (failures.length === 0 && inputs.signingKeyPem !== undefined) {
    try {
      await pemThumbprint(inputs.signingKeyPem, inputs, ctx);
    } catch (e) {
      failures.push({ property: "signingKeyPem", reason: isDcrError(e) ? e.detail : "is not a usable private key" });
    }
  }
  const iat = secretArg(inputs.initialAccessToken, ctx.secrets.initialAccessToken);
  if (failures.length === 0 && isCreateCall(olds) && lacksIat(inputs, iat)) {
    failures.push({ property: "initialAccessToken", reason: IAT_MISSING });
  }
  return { inputs, failures };
}
