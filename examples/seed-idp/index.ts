/**
 * seed-idp: the bootstrap helper's IdP dialect, everything from stack config as the helper took
 * it from the environment:
 *
 *   pulumi config set dcr:registrationEndpoint http://idp-app:8002/api/oidc/register   # IDP_BASE_URL
 *   pulumi config set dcr:updateMethod PATCH
 *   pulumi config set dcr:clientId bff-server                 # DCR_CLIENT_ID
 *   pulumi config set dcr:profile code-flow-pkjwt             # DCR_CLIENT_PROFILE
 *   pulumi config set dcr:rotationSafe true                   # DCR_ROTATION_SAFE
 *   pulumi config set dcr:rotateAfterDays 30                  # BFF_JWK_ROTATE_AFTER_DAYS
 *   pulumi config set dcr:retireAfterDays 60                  # BFF_JWK_RETIRE_AFTER_DAYS
 *   pulumi config set dcr:maxKeys 3                           # BFF_JWK_MAX_KEYS
 *   pulumi config set dcr:redirectUris https://bff.example.com/auth/callback   # DCR_REDIRECT_URIS
 *   pulumi config set --secret dcr:initialAccessToken <IAT>  # DCR_IAT (remove after the first up)
 *   pulumi config set --secret dcr:adminToken <token>        # BOOTSTRAP_ADMIN_TOKEN
 *   pulumi config set dcr:pushgatewayUrl http://prometheus-pushgateway:9091   # PROM_PUSHGATEWAY_URL
 */
import { DcrClient } from "pulumi-dcr";

const bff = new DcrClient("bff", { kid: "bff-sig-001" }); // BFF_KID names the first key

export const clientId = bff.clientId;
export const activeKid = bff.activeKid;
export const nextRotationAt = bff.nextRotationAt;
export const privateKeyPem = bff.privateKeyPem;
