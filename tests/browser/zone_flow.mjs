// Zone Management in a real browser: headless Debian Chromium, driven by
// playwright-core, against the panel behind nginx.
//
//   node zone_flow.mjs BASE_URL USER PASSWORD DOMAIN SHOTS_DIR
//
// Signs in, opens Zones and the zone's "Additional Nameserver Entries"
// tab, enters an MX host without its terminating dot (the form must
// explain the rule beside the field and keep the input), corrects it,
// then clicks "Add BackupMX entries" and finds MX 10/20/30/40 in the
// table.  One "ok - ..." / "not ok - ..." line per step; a screenshot of
// each page in SHOTS_DIR.  Exits 1 when a step failed.
import { start, expect } from "./lib.mjs";

const [base, user, password, domain, shots] = process.argv.slice(2);

// The MX rows of the records table as "pref host" strings.
async function mxRows(page) {
	return page.$$eval("tr.zone-rec", (rows) => rows
	    .filter((r) => r.children[1].textContent.trim() === "MX")
	    .map((r) => `${r.querySelector(".zone-pref").textContent.trim()} ${r.querySelector(".zone-value").textContent.trim()}`));
}

const t = await start("zone browser", shots, "zone-");
const page = t.page;

try {
	await t.step("sign in", async () => {
		await t.signIn(base, user, password);
	});
	await t.step("Zones in the navigation lists the zone", async () => {
		await Promise.all([page.waitForNavigation(), page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Zones" }).click()]);
		await Promise.all([page.waitForNavigation(), page.getByRole("link", { name: domain, exact: true }).click()]);
		await Promise.all([page.waitForNavigation(), page.getByRole("link", { name: "Additional Nameserver Entries" }).click()]);
		expect(page.url().endsWith(`/zones/${domain}/records`), `at ${page.url()}`);
	});
	await t.step("an MX host without the terminating dot is explained", async () => {
		await page.getByLabel("Name", { exact: true }).fill("@");
		await page.getByLabel("Type", { exact: true }).selectOption("MX");
		await page.getByLabel("Preference (MX only)").fill("10");
		await page.getByLabel("Value", { exact: true }).fill(`mailserver.${domain}`);
		await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: "Save record" }).click()]);
		const err = page.locator("#zone-value-error");
		expect(await err.isVisible(), "no error beside the value field");
		const text = await err.textContent();
		expect(text.includes("must end with a dot") && text.includes(`mailserver.${domain}.`),
		    `error says: ${text}`);
		expect(await page.getByLabel("Value", { exact: true }).inputValue() === `mailserver.${domain}`, "input not kept");
		expect(await page.getByLabel("Value", { exact: true }).getAttribute("aria-invalid") === "true", "field not marked invalid");
		expect((await mxRows(page)).length === 0, "an MX record was stored");
	});
	await t.step("with the dot the record is saved", async () => {
		await page.getByLabel("Value", { exact: true }).fill(`mailserver.${domain}.`);
		await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: "Save record" }).click()]);
		const rows = await mxRows(page);
		expect(rows.join(",") === `10 mailserver.${domain}.`, `rows: ${rows.join(",")}`);
	});
	await t.step("Add BackupMX entries inserts MX 20/30/40", async () => {
		await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: "Add BackupMX entries" }).click()]);
		const rows = await mxRows(page);
		const want = [`10 mailserver.${domain}.`, "20 mx.ours.example.", "30 mx2.ours.example.", "40 mx3.ours.example."];
		expect(rows.join(",") === want.join(","), `rows: ${rows.join(",")}`);
		expect((await page.content()).includes("The BackupMX entries are in the zone."), "no notice");
	});
	await t.step("the zone file downloads", async () => {
		await Promise.all([page.waitForNavigation(), page.getByRole("link", { name: "Zone", exact: true }).click()]);
		const [dl] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download the zone file" }).click()]);
		expect(dl.suggestedFilename() === `${domain}.zone`, `file name ${dl.suggestedFilename()}`);
	});
	await t.step("the records tab works on a phone-width screen", async () => {
		await t.fitsPhone(`${base}/zones/${domain}/records`);
	});
} catch (e) {
	await t.abort(e);
}
await t.finish();
