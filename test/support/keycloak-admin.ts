/**
 * The few Keycloak admin REST calls the test harness makes, sent past the counting proxy
 * (host-request.ts): realm set-up and tear-down, Initial Access Tokens, and out-of-band reads and
 * changes of a client. Each realm gets its own admin user holding only realm-management's
 * manage-clients and view-clients roles; that user's token is the realm's "admin token" (for the
 * admin API and for reading a client through the registration endpoint without a RAT).
 */
import { randomBytes } from "node:crypto";
import { hostRequest, type HostAnswer, type HostRequest, type HostTarget } from "./host-request";
import type { Json } from "./plain-dcr";

/** Lifetime of the realm admin's access token (and of every access token the realm issues): 2 h. */
export const ADMIN_TOKEN_SECONDS = 7200;
/** The realm admin's user name. */
export const REALM_ADMIN_USER = "dcr-admin";

function check(answer: HostAnswer, expected: number[], doing: string): HostAnswer {
  if (!expected.includes(answer.status))
    throw new Error(`keycloak: ${doing}: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer;
}

async function send(target: HostTarget, req: HostRequest, expected: number[], doing: string): Promise<HostAnswer> {
  return check(await hostRequest(target, req), expected, doing);
}

/** An access token for `username` in `realm` from the password grant of the built-in admin-cli client. */
export async function passwordToken(
  target: HostTarget,
  realm: string,
  username: string,
  password: string,
): Promise<string> {
  const answer = await send(
    target,
    {
      method: "POST",
      path: `/realms/${realm}/protocol/openid-connect/token`,
      form: { grant_type: "password", client_id: "admin-cli", username, password },
    },
    [200],
    `password grant for ${username} in realm ${realm}`,
  );
  return answer.body.access_token as string;
}

/**
 * Creates `realm` (access tokens live {@link ADMIN_TOKEN_SECONDS}) with an admin user allowed to
 * manage clients, and returns that user's access token. `masterToken` is the master admin's.
 */
export async function createRealm(target: HostTarget, masterToken: string, realm: string): Promise<string> {
  const api = (req: Omit<HostRequest, "token">, expected: number[], doing: string) =>
    send(target, { ...req, token: masterToken }, expected, doing);
  await api(
    { method: "POST", path: "/admin/realms", json: { realm, enabled: true, accessTokenLifespan: ADMIN_TOKEN_SECONDS } },
    [201],
    `creating realm ${realm}`,
  );
  const password = randomBytes(24).toString("base64url");
  const user = await api(
    {
      method: "POST",
      path: `/admin/realms/${realm}/users`,
      json: {
        username: REALM_ADMIN_USER,
        enabled: true,
        email: `${REALM_ADMIN_USER}@example.com`,
        emailVerified: true,
        firstName: "DCR",
        lastName: "Admin",
        credentials: [{ type: "password", value: password, temporary: false }],
      },
    },
    [201],
    `creating the admin user of realm ${realm}`,
  );
  const userId = (user.location ?? "").split("/").pop() as string;
  const management = await api(
    { path: `/admin/realms/${realm}/clients?clientId=realm-management` },
    [200],
    "finding realm-management",
  );
  const managementId = (management.body as unknown as { id: string }[])[0]?.id as string;
  const roles: Json[] = [];
  for (const role of ["manage-clients", "view-clients"]) {
    roles.push(
      (
        await api(
          { path: `/admin/realms/${realm}/clients/${managementId}/roles/${role}` },
          [200],
          `reading role ${role}`,
        )
      ).body,
    );
  }
  await api(
    {
      method: "POST",
      path: `/admin/realms/${realm}/users/${userId}/role-mappings/clients/${managementId}`,
      json: roles,
    },
    [204],
    "granting the client roles",
  );
  return passwordToken(target, realm, REALM_ADMIN_USER, password);
}

/** Deletes `realm` and everything in it. */
export async function deleteRealm(target: HostTarget, masterToken: string, realm: string): Promise<void> {
  await send(
    target,
    { method: "DELETE", path: `/admin/realms/${realm}`, token: masterToken },
    [204, 404],
    `deleting realm ${realm}`,
  );
}

/** Admin-API access to one realm's clients with the realm admin's token. */
export class RealmAdmin {
  constructor(
    private readonly target: HostTarget,
    readonly realm: string,
    readonly token: string,
  ) {}

  private request(req: Omit<HostRequest, "token">): Promise<HostAnswer> {
    return hostRequest(this.target, { ...req, token: this.token });
  }

  private clientPath(clientId: string): string {
    return `/admin/realms/${this.realm}/clients/${encodeURIComponent(clientId)}`;
  }

  /** A new Initial Access Token good for `count` registrations during `expirationSeconds`. */
  async mintIat(count: number, expirationSeconds: number): Promise<string> {
    const answer = check(
      await this.request({
        method: "POST",
        path: `/admin/realms/${this.realm}/clients-initial-access`,
        json: { count, expiration: expirationSeconds },
      }),
      [201, 200],
      "minting an initial access token",
    );
    return answer.body.token as string;
  }

  /**
   * The admin representation (camelCase ClientRepresentation) of the client whose DCR client_id
   * is `clientId` (Keycloak uses it as the internal id too), or undefined when there is none.
   */
  async client(clientId: string): Promise<Json | undefined> {
    const answer = check(
      await this.request({ path: this.clientPath(clientId) }),
      [200, 404],
      `reading client ${clientId}`,
    );
    return answer.status === 404 ? undefined : answer.body;
  }

  /** Partial update: only the members of `changes` (admin representation, camelCase) change. */
  async updateClient(clientId: string, changes: Json): Promise<void> {
    check(
      await this.request({ method: "PUT", path: this.clientPath(clientId), json: changes }),
      [204],
      `updating client ${clientId}`,
    );
  }

  /** Deletes the client (admin API, 204). */
  async deleteClient(clientId: string): Promise<void> {
    check(
      await this.request({ method: "DELETE", path: this.clientPath(clientId) }),
      [204],
      `deleting client ${clientId}`,
    );
  }

  /**
   * The client as the registration endpoint's GET shows it (RFC 7591 names), read with the admin
   * token instead of a RAT — so no registration access token is read, renewed or rotated — or
   * undefined when the client is gone (404 "Client not found"). The answer carries neither a
   * registration_access_token nor a client_secret.
   */
  async registrationView(clientId: string): Promise<Json | undefined> {
    const path = `/realms/${this.realm}/clients-registrations/openid-connect/${encodeURIComponent(clientId)}`;
    const answer = check(
      await this.request({ path }),
      [200, 404],
      `reading client ${clientId} through the registration endpoint`,
    );
    return answer.status === 404 ? undefined : answer.body;
  }
}
