// How a frontend or another regional system uses the typed client generated from
// openapi/openapi.json. `npm run check` regenerates the types and typechecks this file:
// a change to the spec that breaks these calls breaks CI.
import createClient from "openapi-fetch";
import type { components, paths } from "./generated/schema.d.ts";

type Problem = components["schemas"]["Problem"];
type Innovation = components["schemas"]["Innovation"];

// JSON answers (application/json, application/problem+json) only: lists also offer
// `text/csv`, which this client does not ask for.
const inovik = createClient<paths, `${string}/${string}json`>({
  baseUrl: "https://inovik.kebumenkab.go.id",
  // Multi-value filters are comma-separated (`lab_stage=delivery,display`).
  querySerializer: { array: { style: "form", explode: false } },
});

/** Launched innovations of the health centres, a page of 20, with the total. */
export async function launchedHealthInnovations(): Promise<Innovation[] | Problem> {
  const { data, error } = await inovik.GET("/api/v1/innovations", {
    params: {
      query: {
        lab_stage: ["delivery", "display"],
        agency_kind: ["health_center", "hospital"],
        per_page: 20,
        sort: "-launched_on",
      },
    },
  });
  if (error) {
    return error;
  }
  const total: number | null | undefined = data.total;
  console.log(`${data.items.length} of ${total ?? "?"}`);
  return data.items;
}

/** Creates an agency, retry-safe, and reports every bad field of a refusal. */
export async function createAgency(token: string): Promise<number | string[]> {
  const { data, error, response } = await inovik.POST("/api/v1/agencies", {
    headers: {
      Authorization: `Bearer ${token}`,
      "Idempotency-Key": "5b0c8b8e-0f5e-4c1e-9a55-2f0c1d6d2a11",
    },
    body: {
      code: "DINKES",
      name: "Dinas Kesehatan",
      kind: "agency",
      head_nip: "19780512 200513 2 003",
    },
  });
  if (error) {
    // Every error is a problem document: status, title, and field-level errors.
    const problem: Problem = error;
    return (problem.errors ?? []).map((e) => `${response.status} ${e.field}: ${e.code} (${e.message})`);
  }
  return data.id;
}

/** The Indonesian labels of the lab stages, for a dropdown. */
export async function stageLabels(): Promise<Map<string, string>> {
  const { data } = await inovik.GET("/api/v1/reference");
  return new Map((data?.lab_stages ?? []).map((stage) => [stage.value, stage.label.id]));
}
