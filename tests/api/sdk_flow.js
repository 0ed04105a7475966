// The official AutoDNS JavaScript client (js-domainrobot-sdk, pinned in
// package-lock.json) against backupmx: create -> info -> list with a LIKE
// filter -> delete, through nginx.  The SDK has no BackupMx service, so
// this subclasses its generic DomainRobotService and builds the URLs the
// way its own services do (url + path, "?keys[]=" joined for lists).
//
//   node sdk_flow.js BASE_URL USER PASSWORD DOMAIN
//
// Prints "ok - ..." / "not ok - ..." lines; exits 1 when any failed.
"use strict";
const { DomainRobot } = require("js-domainrobot-sdk");
const DomainRobotService =
    require("js-domainrobot-sdk/src/services/DomainRobotService");

class BackupMxService extends DomainRobotService {
    async create(model) {
        return this.sendPostRequest(this.domainRobotConfig.url +
            "/backupMx", model);
    }
    async info(domain) {
        return this.sendGetRequest(this.domainRobotConfig.url +
            "/backupMx/" + encodeURIComponent(domain));
    }
    async list(query, keys = []) {
        const k = keys.length > 0 ? "?keys[]=" + keys.join("&keys[]=") : "";
        return this.sendPostRequest(this.domainRobotConfig.url +
            "/backupMx/_search" + k, query);
    }
    async delete(domain) {
        return this.sendDeleteRequest(this.domainRobotConfig.url +
            "/backupMx/" + encodeURIComponent(domain));
    }
}

const [base, user, password, domain] = process.argv.slice(2);
let failed = 0;
function check(what, cond, detail) {
    if (cond) {
        console.log("ok - sdk: " + what);
    } else {
        failed = 1;
        console.log("not ok - sdk: " + what + (detail ? " (" +
            JSON.stringify(detail).slice(0, 400) + ")" : ""));
    }
}

const config = { url: base + "/v1", auth: { user, password, context: 4 } };
// The SDK's entry point works against our URL (a service it does ship).
check("DomainRobot takes our base URL",
    new DomainRobot(config).zone().domainRobotConfig.url === base + "/v1");
const svc = new BackupMxService(config);
const dateRe = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000\+0000$/;

async function main() {
    let r = await svc.create({ domain });
    check("create answers S0521", r.status === 200 &&
        r.result.status.code === "S0521", r.result);
    check("create names the object", r.result.object.value === domain,
        r.result.object);

    r = await svc.info(domain);
    const b = r.result.data[0];
    check("info answers S0524 with the record", r.result.status.code ===
        "S0524" && b.domain === domain, r.result);
    check("info has AutoDNS dates", dateRe.test(b.created) &&
        dateRe.test(b.updated), b);
    check("info names the owner", b.owner.user === user &&
        b.owner.context === 4, b.owner);

    const stem = domain.split(".")[0];
    r = await svc.list({ filters: [{ key: "domain", value: stem.slice(0, 3) +
        "*", operator: "LIKE" }], view: { limit: 10, offset: 0 } },
        ["created", "updated"]);
    const names = r.result.data.map((x) => x.domain);
    check("list with a LIKE filter finds it", r.result.status.code ===
        "S0524" && names.includes(domain) && r.result.object.summary ===
        names.length, r.result);
    check("keys[] brings created and updated", r.result.data.every((x) =>
        dateRe.test(x.created) && dateRe.test(x.updated)), r.result.data);

    r = await svc.delete(domain);
    check("delete answers S0523", r.result.status.code === "S0523",
        r.result);

    try {
        await svc.info(domain);
        check("info after delete fails", false);
    } catch (e) {
        check("info after delete is a DomainRobotException with 404",
            e.status === 404 && e.error.status.code === "E0524" &&
            e.error.messages[0].code === "EF01004", e);
    }
}

const origLog = console.log;
main().catch((e) => {
    origLog("not ok - sdk: unexpected failure " +
        JSON.stringify(e && (e.error || e.message || e)).slice(0, 400));
    failed = 1;
}).finally(() => process.exit(failed));
