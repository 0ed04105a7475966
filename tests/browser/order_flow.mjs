// A person orders BackupMX in a real browser: headless Debian Chromium,
// driven by playwright-core, against the panel behind nginx.
//
//   node order_flow.mjs BASE_URL USER PASSWORD DOMAIN SHOTS_DIR
//
// Signs in, adds DOMAIN to the cart, switches BackupMX on, reviews,
// confirms and completes the order, then finds the domain in BackupMX
// Management.  Prints one "ok - ..." / "not ok - ..." line per step and
// saves a screenshot of each page in SHOTS_DIR (test artifacts, never
// committed).  Exits 1 when a step failed.
import { chromium } from "playwright-core";

const [base, user, password, domain, shots] = process.argv.slice(2);
let failed = 0;
let n = 0;

function ok(what) { console.log(`ok - browser: ${what}`); }
function notOk(what) { console.log(`not ok - browser: ${what}`); failed = 1; }

async function step(page, what, fn) {
	try {
		await fn();
		ok(what);
	} catch (e) {
		notOk(`${what}: ${String(e.message).split("\n")[0]}`);
	}
	n += 1;
	await page.screenshot({ path: `${shots}/${String(n).padStart(2, "0")}.png`,
	    fullPage: true }).catch(() => {});
}

function expect(cond, why) { if (!cond) throw new Error(why); }

const browser = await chromium.launch({
	executablePath: "/usr/bin/chromium",
	args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
	    "--no-first-run", "--disable-background-networking",
	    "--disable-component-update", "--disable-sync"],
});
const context = await browser.newContext({ viewport: { width: 1024, height: 768 } });
const page = await context.newPage();
// The CSP forbids inline script; a page that breaks it would log here.
const cspErrors = [];
page.on("console", (m) => { if (/Content Security Policy/i.test(m.text())) cspErrors.push(m.text()); });

try {
	await step(page, "the sign-in page loads", async () => {
		const res = await page.goto(`${base}/login`);
		expect(res.status() === 200, `status ${res.status()}`);
		expect(await page.getByLabel("User name").isVisible(), "no user name field");
	});
	await step(page, "sign in", async () => {
		await page.getByLabel("User name").fill(user);
		await page.getByLabel("Password").fill(password);
		await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: "Sign in" }).click()]);
		expect(await page.getByRole("navigation", { name: "Main" }).isVisible(), "no navigation after sign-in");
	});
	await step(page, "add the domain to the cart", async () => {
		await page.goto(`${base}/cart`);
		await page.getByLabel("Domain", { exact: true }).fill(domain);
		await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: "Add to cart" }).click()]);
		expect((await page.content()).includes(domain), "domain not in the cart");
	});
	await step(page, "switch BackupMX on as an optional service", async () => {
		const on = page.getByRole("button", { name: `Switch BackupMX on for ${domain}` });
		if (await on.count() > 0)
			await Promise.all([page.waitForNavigation(), on.click()]);
		expect(await page.getByRole("button", { name: `Switch BackupMX off for ${domain}` }).count() === 1,
		    "BackupMX is not on");
	});
	await step(page, "review and complete the order with confirmation", async () => {
		await Promise.all([page.waitForNavigation(), page.getByRole("link", { name: "Review order" }).click()]);
		await page.getByLabel("I confirm the order").check();
		await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: "Complete order" }).click()]);
		expect(/\/orders\/\d+/.test(page.url()), `not on an order page: ${page.url()}`);
		expect((await page.content()).includes(domain), "order page does not name the domain");
	});
	await step(page, "the domain is in BackupMX Management", async () => {
		await page.goto(`${base}/backupmx`);
		expect((await page.content()).includes(domain), "not in the list");
	});
	await step(page, "the pages work on a phone-width screen", async () => {
		await page.setViewportSize({ width: 390, height: 800 });
		await page.goto(`${base}/backupmx`);
		const wide = await page.evaluate(() => document.documentElement.scrollWidth);
		expect(wide <= 420, `page is ${wide}px wide at 390px`);
	});
	if (cspErrors.length === 0)
		ok("no Content-Security-Policy violations");
	else
		notOk(`CSP violations: ${cspErrors[0]}`);
} finally {
	await browser.close();
}
process.exit(failed);
