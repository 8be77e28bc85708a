/**
 * The baseline: the same RFC 7591/7592 HTTP exchanges our protocol client makes, written with
 * nothing but `fetch` and JSON.parse — no validation, retries, redaction or error mapping.
 * The bench checks against the IdP's request log that both sides send the same requests.
 */

type Json = Record<string, unknown>;

/** What a client needs to manage itself (RFC 7592). */
export interface RawHandle {
  clientId: string;
  registrationClientUri: string;
  registrationAccessToken: string;
}

/** Members an RFC 7592 PUT must not carry (oidc-provider answers 400 for them). */
const NOT_IN_PUT = [
  "registration_access_token",
  "registration_client_uri",
  "client_secret_expires_at",
  "client_id_issued_at",
  "client_secret",
];

async function exchange(
  url: string,
  method: string,
  token: string,
  body?: Json,
): Promise<{ status: number; json: Json }> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: "application/json" };
  if (body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  if (res.status >= 400) throw new Error(`raw ${method} ${url}: HTTP ${res.status} ${text.slice(0, 200)}`);
  return { status: res.status, json: text === "" ? {} : (JSON.parse(text) as Json) };
}

function handleFrom(json: Json, previous?: RawHandle): RawHandle {
  return {
    clientId: (json.client_id as string | undefined) ?? (previous?.clientId as string),
    registrationClientUri:
      (json.registration_client_uri as string | undefined) ?? (previous?.registrationClientUri as string),
    registrationAccessToken:
      (json.registration_access_token as string | undefined) ?? (previous?.registrationAccessToken as string),
  };
}

/** POST the metadata to the registration endpoint with the Initial Access Token. */
export async function rawRegister(
  endpoint: string,
  metadata: Json,
  iat: string,
): Promise<{ handle: RawHandle; metadata: Json }> {
  const { json } = await exchange(endpoint, "POST", iat, metadata);
  return { handle: handleFrom(json), metadata: json };
}

/** GET the client's record with its Registration Access Token. */
export async function rawRead(handle: RawHandle): Promise<{ handle: RawHandle; metadata: Json }> {
  const { json } = await exchange(handle.registrationClientUri, "GET", handle.registrationAccessToken);
  return { handle: handleFrom(json, handle), metadata: json };
}

/** PATCH only `owned`, or GET + PUT the full record with `owned` overlaid (RFC 7592 §2.2). */
export async function rawUpdate(
  handle: RawHandle,
  owned: Json,
  method: "PUT" | "PATCH",
): Promise<{ handle: RawHandle; metadata: Json }> {
  if (method === "PATCH") {
    const { json } = await exchange(handle.registrationClientUri, "PATCH", handle.registrationAccessToken, owned);
    return { handle: handleFrom(json, handle), metadata: json };
  }
  const current = await rawRead(handle);
  const body: Json = { ...current.metadata, ...owned, client_id: handle.clientId };
  for (const k of NOT_IN_PUT) delete body[k];
  const { json } = await exchange(
    current.handle.registrationClientUri,
    "PUT",
    current.handle.registrationAccessToken,
    body,
  );
  return { handle: handleFrom(json, current.handle), metadata: json };
}

/** DELETE the client. */
export async function rawDelete(handle: RawHandle): Promise<void> {
  await exchange(handle.registrationClientUri, "DELETE", handle.registrationAccessToken);
}
