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
import { start, expect } from "./lib.mjs";

const [base, user, password, domain, shots] = process.argv.slice(2);

const t = await start("browser", shots, "");
const page = t.page;

try {
	await t.step("the sign-in page loads", async () => {
		const res = await page.goto(`${base}/login`);
		expect(res.status() === 200, `status ${res.status()}`);
		expect(await page.getByLabel("User name").isVisible(), "no user name field");
	});
	await t.step("sign in", async () => {
		await page.getByLabel("User name").fill(user);
		await page.getByLabel("Password").fill(password);
		await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: "Sign in" }).click()]);
		expect(await page.getByRole("navigation", { name: "Main" }).isVisible(), "no navigation after sign-in");
	});
	await t.step("add the domain to the cart", async () => {
		await page.goto(`${base}/cart`);
		await page.getByLabel("Domain", { exact: true }).fill(domain);
		await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: "Add to cart" }).click()]);
		expect((await page.content()).includes(domain), "domain not in the cart");
	});
	await t.step("switch BackupMX on as an optional service", async () => {
		const on = page.getByRole("button", { name: `Switch BackupMX on for ${domain}` });
		if (await on.count() > 0)
			await Promise.all([page.waitForNavigation(), on.click()]);
		expect(await page.getByRole("button", { name: `Switch BackupMX off for ${domain}` }).count() === 1,
		    "BackupMX is not on");
	});
	await t.step("review and complete the order with confirmation", async () => {
		await Promise.all([page.waitForNavigation(), page.getByRole("link", { name: "Review order" }).click()]);
		await page.getByLabel("I confirm the order").check();
		await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: "Complete order" }).click()]);
		expect(/\/orders\/\d+/.test(page.url()), `not on an order page: ${page.url()}`);
		expect((await page.content()).includes(domain), "order page does not name the domain");
	});
	await t.step("the domain is in BackupMX Management", async () => {
		await page.goto(`${base}/backupmx`);
		expect((await page.content()).includes(domain), "not in the list");
	});
	await t.step("the pages work on a phone-width screen", async () => {
		await t.fitsPhone(`${base}/backupmx`);
	});
} catch (e) {
	await t.abort(e);
}
await t.finish();
