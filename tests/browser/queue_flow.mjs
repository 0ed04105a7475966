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
import { chromium } from "playwright-core";

const [base, user, password, domain, count, shots] = process.argv.slice(2);
let failed = 0;
let n = 0;

function ok(what) { console.log(`ok - browser: ${what}`); }
function notOk(what) { console.log(`not ok - browser: ${what}`); failed = 1; }
function expect(cond, why) { if (!cond) throw new Error(why); }

async function step(page, what, fn) {
	try {
		await fn();
		ok(what);
	} catch (e) {
		notOk(`${what}: ${String(e.message).split("\n")[0]}`);
	}
	n += 1;
	await page.screenshot({ path: `${shots}/queue-${String(n).padStart(2, "0")}.png`,
	    fullPage: true }).catch(() => {});
}

// Every <img> on the page has loaded (the SVG pictures passed the CSP).
async function imagesLoaded(page) {
	return page.evaluate(() => Array.from(document.images).every(
	    (i) => i.complete && i.naturalWidth > 0));
}

const browser = await chromium.launch({
	executablePath: "/usr/bin/chromium",
	args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
	    "--no-first-run", "--disable-background-networking",
	    "--disable-component-update", "--disable-sync"],
});
const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
const page = await context.newPage();
const cspErrors = [];
page.on("console", (m) => { if (/Content Security Policy/i.test(m.text())) cspErrors.push(m.text()); });

try {
	await step(page, "sign in", async () => {
		await page.goto(`${base}/login`);
		await page.getByLabel("User name").fill(user);
		await page.getByLabel("Password").fill(password);
		await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: "Sign in" }).click()]);
		expect(await page.getByRole("navigation", { name: "Main" }).isVisible(), "no navigation");
	});
	await step(page, "the Queue item of the navigation opens the overview", async () => {
		await Promise.all([page.waitForNavigation(),
		    page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Queue" }).click()]);
		expect(page.url().endsWith("/queue"), `at ${page.url()}`);
	});
	await step(page, `the overview shows ${count} messages for ${domain}, primary unreachable`, async () => {
		const row = page.locator(`tr[data-domain="${domain}"]`);
		expect(await row.count() === 1, "no row for the domain");
		const queued = (await row.locator(".q-nmsg").innerText()).trim();
		expect(queued.startsWith(count), `queued: ${queued}`);
		expect((await row.innerText()).includes("unreachable"), "primary not shown unreachable");
	});
	await step(page, "both pictures load (SVG under the CSP)", async () => {
		expect(await imagesLoaded(page), "an image did not load");
		const alts = await page.locator("img[alt^='Chart']").count();
		expect(alts === 2, `${alts} charts with alt text`);
	});
	await step(page, "the domain page lists the messages", async () => {
		await Promise.all([page.waitForNavigation(), page.getByRole("link", { name: domain, exact: true }).click()]);
		const rows = await page.locator("tr[data-id]").count();
		expect(String(rows) === count, `${rows} rows`);
		expect(await imagesLoaded(page), "an image did not load");
	});
	await step(page, "Deliver now", async () => {
		await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: "Deliver now" }).click()]);
		expect((await page.getByRole("status").first().innerText()).includes("Delivery requested"),
		    "no notice after Deliver now");
	});
	await step(page, "reloading shows the queue emptied and the primary reachable", async () => {
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
	await step(page, "the overview shows 0 queued", async () => {
		await page.goto(`${base}/queue`);
		const queued = (await page.locator(`tr[data-domain="${domain}"] .q-nmsg`).innerText()).trim();
		expect(queued === "0", `queued: ${queued}`);
	});
	await step(page, "the queue pages work on a phone-width screen", async () => {
		await page.setViewportSize({ width: 390, height: 800 });
		for (const p of ["/queue", `/queue/${domain}`]) {
			await page.goto(`${base}${p}`);
			const [wide, what] = await page.evaluate(() => {
				let w = null;
				for (const el of document.querySelectorAll("body *")) {
					const r = el.getBoundingClientRect();
					if (r.right > 420 && (w === null || r.width < w.getBoundingClientRect().width))
						w = el;
				}
				return [document.documentElement.scrollWidth, w === null ? "" :
				    `${w.tagName.toLowerCase()}.${w.className} "${w.textContent.slice(0, 40)}"`];
			});
			expect(wide <= 420, `${p} is ${wide}px wide at 390px (${what})`);
		}
	});
	if (cspErrors.length === 0)
		ok("queue pages: no Content-Security-Policy violations");
	else
		notOk(`CSP violations: ${cspErrors[0]}`);
} finally {
	await browser.close();
}
process.exit(failed);
