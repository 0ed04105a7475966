// A customer watches the queue of a domain whose primary is down and
// presses "Deliver now" in a real browser (headless Debian Chromium via
// playwright-core, through nginx).
//
//   node queue_flow.mjs BASE_URL USER PASSWORD DOMAIN COUNT SHOTS_DIR
//
// The overview shows COUNT messages for DOMAIN and the primary
// unreachable, with both pictures loaded; the domain page lists them;
// "Deliver now" (the primary is up by then) empties the queue, which a
// reload shows.  Prints "ok - ..." / "not ok - ..." per step, saves a
// screenshot of each step in SHOTS_DIR; exits 1 when a step failed.
import { start, expect } from "./lib.mjs";

const [base, user, password, domain, count, shots] = process.argv.slice(2);

// Every <img> on the page has loaded (the SVG pictures passed the CSP).
async function imagesLoaded(page) {
	return page.evaluate(() => Array.from(document.images).every(
	    (i) => i.complete && i.naturalWidth > 0));
}

const t = await start("browser", shots, "queue-");
const page = t.page;

try {
	await t.step("sign in", async () => {
		await t.signIn(base, user, password);
	});
	await t.step("the Queue item of the navigation opens the overview", async () => {
		await Promise.all([page.waitForNavigation(),
		    page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Queue" }).click()]);
		expect(page.url().endsWith("/queue"), `at ${page.url()}`);
	});
	await t.step(`the overview shows ${count} messages for ${domain}, primary unreachable`, async () => {
		const row = page.locator(`tr[data-domain="${domain}"]`);
		expect(await row.count() === 1, "no row for the domain");
		const queued = (await row.locator(".q-nmsg").innerText()).trim();
		expect(queued.startsWith(count), `queued: ${queued}`);
		expect((await row.innerText()).includes("unreachable"), "primary not shown unreachable");
	});
	await t.step("both pictures load (SVG under the CSP)", async () => {
		expect(await imagesLoaded(page), "an image did not load");
		const alts = await page.locator("img[alt^='Chart']").count();
		expect(alts === 2, `${alts} charts with alt text`);
	});
	await t.step("the domain page lists the messages", async () => {
		await Promise.all([page.waitForNavigation(), page.getByRole("link", { name: domain, exact: true }).click()]);
		const rows = await page.locator("tr[data-id]").count();
		expect(String(rows) === count, `${rows} rows`);
		expect(await imagesLoaded(page), "an image did not load");
	});
	await t.step("Deliver now", async () => {
		await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: "Deliver now" }).click()]);
		expect((await page.getByRole("status").first().innerText()).includes("Delivery requested"),
		    "no notice after Deliver now");
	});
	await t.step("reloading shows the queue emptied and the primary reachable", async () => {
		let text = "";
		for (let i = 0; i < 40; i++) {
			await page.goto(`${base}/queue/${domain}`);
			text = await page.locator("main").innerText();
			if (text.includes("Nothing is queued for this domain"))
				break;
			await page.waitForTimeout(500);
		}
		expect(text.includes("Nothing is queued for this domain"), "still queued");
		expect(text.includes("reachable"), "primary not reachable");
		expect(text.includes("the relay started it"), "no progress line");
	});
	await t.step("the overview shows 0 queued", async () => {
		await page.goto(`${base}/queue`);
		const queued = (await page.locator(`tr[data-domain="${domain}"] .q-nmsg`).innerText()).trim();
		expect(queued === "0", `queued: ${queued}`);
	});
	await t.step("the queue pages work on a phone-width screen", async () => {
		for (const p of ["/queue", `/queue/${domain}`])
			await t.fitsPhone(`${base}${p}`);
	});
} catch (e) {
	await t.abort(e);
}
await t.finish();
