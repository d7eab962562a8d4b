// Swagger UI as a developer uses it, in Debian's Chromium driven by playwright-core:
// every tag's operations render, Authorize takes a token from /api/v1/auth/token, and
// "Try it out" lists innovations (200), creates an agency (201) and uploads a document
// (a file picked in the form: 201). Saves a screenshot.
//
//   INOVIK_URL=http://127.0.0.1:8080 INOVIK_USERNAME=admin INOVIK_PASSWORD=... \
//     E2E_OUTPUT=target/e2e node tests/e2e/swagger-ui.test.mjs
//
// .ci/e2e starts a server and runs this. Exits non-zero on the first failed check.
import { mkdirSync } from "node:fs";
import { chromium } from "playwright-core";

const base = process.env.INOVIK_URL ?? "http://127.0.0.1:8080";
const output = process.env.E2E_OUTPUT ?? "target/e2e";
const chromiumPath = process.env.CHROMIUM ?? "/usr/bin/chromium";
mkdirSync(output, { recursive: true });

function check(condition, message) {
  if (!condition) {
    throw new Error(`check failed: ${message}`);
  }
  console.log(`ok - ${message}`);
}

async function token() {
  const response = await fetch(`${base}/api/v1/auth/token`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "password",
      username: process.env.INOVIK_USERNAME ?? "admin",
      password: process.env.INOVIK_PASSWORD ?? "",
    }),
  });
  check(response.status === 200, `a token from /api/v1/auth/token (${response.status})`);
  return (await response.json()).access_token;
}

/// Expands an operation, presses "Try it out", optionally replaces its JSON body, presses
/// Execute and returns the status Swagger UI renders for the live response.
async function tryItOut(page, tag, operationId, body) {
  const operation = page.locator(`#operations-${tag}-${operationId}`);
  await operation.locator(".opblock-summary").first().click();
  await operation.locator(".try-out__btn").click();
  if (body !== undefined) {
    await operation.locator("textarea.body-param__text").fill(JSON.stringify(body, null, 2));
  }
  await operation.locator("button.execute").click();
  const status = operation.locator(".live-responses-table .response .response-col_status").first();
  await status.waitFor({ timeout: 15000 });
  return (await status.innerText()).trim();
}

const document = await (await fetch(`${base}/api-docs/openapi.json`)).json();
const browser = await chromium.launch({
  executablePath: chromiumPath,
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
  ],
});
let failed = false;
const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
const violations = [];
page.on("console", (message) => {
  if (message.type() === "error") violations.push(message.text());
});
try {
  await page.goto(`${base}/swagger-ui/`);
  await page.locator(".opblock").first().waitFor({ timeout: 20000 });

  // Every operation of every tag is rendered.
  let operations = 0;
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      const tag = operation.tags[0];
      const id = `#operations-${tag}-${operation.operationId}`;
      if ((await page.locator(id).count()) !== 1) {
        throw new Error(`check failed: ${method.toUpperCase()} ${path} is not rendered (${id})`);
      }
      operations += 1;
    }
  }
  const tags = new Set(document.tags.map((t) => t.name));
  for (const tag of tags) {
    check((await page.locator(`#operations-tag-${tag}`).count()) === 1, `tag ${tag} rendered`);
  }
  check(operations > 40, `all ${operations} operations rendered`);

  // Authorize with a bearer token, as the README tells developers to.
  const bearer = await token();
  await page.locator(".auth-wrapper .btn.authorize").click();
  const dialog = page.locator(".dialog-ux .modal-ux");
  const scheme = dialog.locator(".auth-container").filter({ hasText: "bearer_auth" });
  await scheme.locator("#auth-bearer-value").fill(bearer);
  await scheme.locator("button.authorize").click();
  // Swagger UI swaps the form for "Authorized" and a Logout button.
  await scheme.locator("button", { hasText: "Logout" }).waitFor({ timeout: 5000 });
  check(
    (await scheme.locator("h6", { hasText: "Authorized" }).count()) === 1,
    "Authorize accepted the token",
  );
  await dialog.locator("button.close-modal").click();

  const listed = await tryItOut(page, "innovations", "list_innovations");
  check(listed === "200", `Try it out: list innovations answered ${listed}`);

  const created = await tryItOut(page, "agencies", "create_agency", {
    code: `E2E-${Date.now() % 100000}`,
    name: "Dinas Uji Swagger",
    kind: "agency",
  });
  check(created === "201", `Try it out: create an agency answered ${created}`);

  // An upload from the browser: the innovation id, the form's fields and a file picked
  // as a developer would pick one.
  const upload = page.locator("#operations-documents-upload_innovation_document");
  await upload.locator(".opblock-summary").first().click();
  await upload.locator(".try-out__btn").click();
  await upload.locator('tr[data-param-name="id"] input').fill("1");
  await upload.locator('tr[data-property-name="kind"] select').selectOption("decree");
  await upload.locator('tr[data-property-name="title"] input[type="text"]').fill("SK Bupati dari Swagger UI");
  // Swagger UI fills every field with an example; a decree has no video link.
  await upload.locator('tr[data-property-name="url"] input[type="text"]').fill("");
  await upload.locator('tr[data-property-name="description"] input[type="text"]').fill("");
  await upload.locator('tr[data-property-name="file"] input[type="file"]').setInputFiles({
    name: "sk-swagger.pdf",
    mimeType: "application/pdf",
    buffer: Buffer.from("%PDF-1.4\n% SK Bupati Kebumen\n%%EOF\n"),
  });
  await upload.locator("button.execute").click();
  const uploadStatus = upload
    .locator(".live-responses-table .response .response-col_status")
    .first();
  await uploadStatus.waitFor({ timeout: 15000 });
  const uploaded = (await uploadStatus.innerText()).trim();
  check(uploaded === "201", `Try it out: upload a document answered ${uploaded}`);

  const blocked = violations.filter((text) => /Content Security Policy/i.test(text));
  check(blocked.length === 0, `no Content-Security-Policy violations (${blocked.join("; ")})`);
} catch (error) {
  failed = true;
  console.error(error.message);
} finally {
  await page.screenshot({ path: `${output}/swagger-ui.png`, fullPage: false });
  console.log(`screenshot: ${output}/swagger-ui.png`);
  await browser.close();
}
process.exit(failed ? 1 : 0);
