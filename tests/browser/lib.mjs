// What every browser flow shares: headless Debian Chromium through
// playwright-core, TAP-like "ok - ..." / "not ok - ..." lines, a
// screenshot after each step, the Content-Security-Policy watch and the
// phone-width check.
//
//   const t = await start("zone browser", SHOTS_DIR, "zone-");
//   await t.step("does X", async () => { t.expect(cond, "why not"); });
//   await t.finish();          // CSP line, closes the browser, exits 1 on failure
import { chromium } from "playwright-core";

export function expect(cond, why) { if (!cond) throw new Error(why); }

export async function start(label, shots, prefix = "", viewport = { width: 1024, height: 768 }) {
	const browser = await chromium.launch({
		executablePath: "/usr/bin/chromium",
		args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
		    "--no-first-run", "--disable-background-networking",
		    "--disable-component-update", "--disable-sync"],
	});
	const page = await (await browser.newContext({ viewport })).newPage();
	// The CSP forbids inline script; a page that breaks it logs here.
	const cspErrors = [];
	page.on("console", (m) => { if (/Content Security Policy/i.test(m.text())) cspErrors.push(m.text()); });
	let failed = 0, n = 0;
	const t = {
		page, expect,
		ok(what) { console.log(`ok - ${label}: ${what}`); },
		notOk(what) { console.log(`not ok - ${label}: ${what}`); failed = 1; },
		async step(what, fn) {
			try {
				await fn();
				t.ok(what);
			} catch (e) {
				t.notOk(`${what}: ${String(e.message).split("\n")[0]}`);
			}
			n += 1;
			await page.screenshot({ path: `${shots}/${prefix}${String(n).padStart(2, "0")}.png`,
			    fullPage: true }).catch(() => {});
		},
		// Sign in through the form; the main navigation must show.
		async signIn(base, user, password) {
			await page.goto(`${base}/login`);
			await page.getByLabel("User name").fill(user);
			await page.getByLabel("Password").fill(password);
			await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: "Sign in" }).click()]);
			expect(await page.getByRole("navigation", { name: "Main" }).isVisible(), "no navigation");
		},
		// At a 390 px viewport the page must not scroll sideways; on
		// failure, name the narrowest element that sticks out.
		async fitsPhone(url) {
			await page.setViewportSize({ width: 390, height: 800 });
			await page.goto(url);
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
			expect(wide <= 420, `${new URL(url).pathname} is ${wide}px wide at 390px (${what})`);
		},
		async finish() {
			if (cspErrors.length === 0)
				t.ok("no Content-Security-Policy violations");
			else
				t.notOk(`CSP violations: ${cspErrors[0]}`);
			await browser.close();
			process.exit(failed);
		},
		async abort(e) {
			t.notOk(`the flow stopped: ${String(e && e.message).split("\n")[0]}`);
			await browser.close();
			process.exit(1);
		},
	};
	return t;
}
