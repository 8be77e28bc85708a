/** Lifecycle decisions (plan/lifecycle.ts), table-tested without a server. */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import {
  adoptSelfProblem,
  adoptedHandle,
  deletesBeforeReplace,
  isCreateCall,
  lacksIat,
  registrationBody,
  registrationEndpointOf,
  secretArg,
} from "../../provider/plan/lifecycle";
import { desiredRecord } from "../../provider/plan/metadata";
import type { DcrOutputs } from "../../provider/types";

const ENDPOINT = "https://idp.example.com/reg";

test("isCreateCall: a create has no old inputs", () => {
  const cases: [Record<string, unknown> | undefined, boolean][] = [
    [undefined, true],
    [{}, true],
    [{ clientName: "x" }, false],
    [{ registrationEndpoint: ENDPOINT }, false],
  ];
  for (const [olds, want] of cases) assert.equal(isCreateCall(olds), want, JSON.stringify(olds));
});

test("deletesBeforeReplace: one rule, a fixed clientId deletes the old client first", () => {
  const cases: [unknown, boolean][] = [
    [undefined, false],
    ["fixed-id", true],
    ["", true],
  ];
  for (const [clientId, want] of cases) assert.equal(deletesBeforeReplace(clientId), want, String(clientId));
});

test("lacksIat / secretArg: a new registration needs a token unless adopting or open; an input wins over config", () => {
  const adopt = { clientId: "c", registrationAccessToken: "rat" };
  const cases: { name: string; inputs: Parameters<typeof lacksIat>[0]; iat?: string; want: boolean }[] = [
    { name: "no token", inputs: {}, want: true },
    { name: "empty token", inputs: {}, iat: "", want: true },
    { name: "token", inputs: {}, iat: "iat", want: false },
    { name: "adopting", inputs: { adopt }, want: false },
    { name: "open registration", inputs: { openRegistration: true }, want: false },
    { name: "open registration false", inputs: { openRegistration: false }, want: true },
  ];
  for (const c of cases) assert.equal(lacksIat(c.inputs, c.iat), c.want, c.name);
  assert.equal(secretArg("explicit", "config"), "explicit");
  assert.equal(secretArg(undefined, "config"), "config");
  assert.equal(secretArg(undefined, undefined), undefined);
});

test("registrationBody: client_id only when a fixed clientId is desired", () => {
  const want = { client_name: "app", jwks: { keys: [] } };
  assert.deepEqual(registrationBody(want, desiredRecord({}, ENDPOINT)), want);
  assert.deepEqual(registrationBody(want, desiredRecord({ clientId: "fixed" }, ENDPOINT)), {
    ...want,
    client_id: "fixed",
  });
  assert.equal("client_id" in want, false, "the wanted members are not mutated");
});

test("registrationEndpointOf: discovered, then input, then recorded while the issuer stays, else a placeholder", () => {
  const olds = { desired: desiredRecord({ issuer: "https://a.example.com" }, "https://a.example.com/reg") };
  const cases: {
    name: string;
    inputs: { registrationEndpoint?: string; issuer?: string };
    olds?: typeof olds;
    discovered?: string;
    want: string;
  }[] = [
    {
      name: "discovered now",
      inputs: { issuer: "https://a.example.com" },
      discovered: "https://d/reg",
      want: "https://d/reg",
    },
    { name: "explicit endpoint", inputs: { registrationEndpoint: ENDPOINT }, olds, want: ENDPOINT },
    {
      name: "same issuer keeps the recorded endpoint",
      inputs: { issuer: "https://a.example.com" },
      olds,
      want: "https://a.example.com/reg",
    },
    {
      name: "changed issuer: placeholder",
      inputs: { issuer: "https://b.example.com" },
      olds,
      want: "discovered from https://b.example.com",
    },
    {
      name: "no old state: placeholder",
      inputs: { issuer: "https://b.example.com" },
      want: "discovered from https://b.example.com",
    },
  ];
  for (const c of cases) assert.equal(registrationEndpointOf(c.inputs, c.olds, c.discovered), c.want, c.name);
});

test("adoptedHandle: the given URI, else <endpoint>/<client_id> (escaped, one slash)", () => {
  const cases: { endpoint: string; uri?: string; id: string; want: string }[] = [
    { endpoint: ENDPOINT, id: "abc", want: `${ENDPOINT}/abc` },
    { endpoint: `${ENDPOINT}//`, id: "abc", want: `${ENDPOINT}/abc` },
    { endpoint: ENDPOINT, id: "a b/c", want: `${ENDPOINT}/a%20b%2Fc` },
    {
      endpoint: ENDPOINT,
      id: "abc",
      uri: "https://idp.example.com/manage/abc",
      want: "https://idp.example.com/manage/abc",
    },
  ];
  for (const c of cases) {
    const adopt = {
      clientId: c.id,
      registrationAccessToken: "rat",
      ...(c.uri ? { registrationClientUri: c.uri } : {}),
    };
    assert.deepEqual(adoptedHandle(adopt, c.endpoint), {
      clientId: c.id,
      registrationClientUri: c.want,
      registrationAccessToken: "rat",
    });
  }
});

test("adoptSelfProblem: adopting the client this resource manages is refused, unless it was adopted so", () => {
  const olds = (adoptedClientId?: string) =>
    ({
      clientId: "c1",
      desired: desiredRecord(
        adoptedClientId ? { adopt: { clientId: adoptedClientId, registrationAccessToken: "r" } } : {},
        ENDPOINT,
      ),
    }) as Pick<DcrOutputs, "clientId" | "desired">;
  const adopt = (clientId: string) => ({ adopt: { clientId, registrationAccessToken: "tok-SECRET-1" } });
  assert.equal(adoptSelfProblem({}, olds()), undefined, "no adopt");
  assert.equal(adoptSelfProblem(adopt("other"), olds()), undefined, "another client");
  assert.equal(adoptSelfProblem(adopt("c1"), olds("c1")), undefined, "adopted so already");
  const problem = adoptSelfProblem(adopt("c1"), olds());
  assert.match(problem ?? "", /"adopt\.clientId" names client c1, which this resource already manages/);
  assert.match(problem ?? "", /pulumi state delete <urn>/);
  assert.doesNotMatch(problem ?? "", /tok-SECRET-1/, "no token in the message");
});
