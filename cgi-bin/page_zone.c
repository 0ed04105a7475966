/*
 * page_zone — Zone Management: the customer's zones, a zone's SOA/NS
 * defaults and MailProxy host, its "Additional Nameserver Entries"
 * (MX, A, AAAA, CNAME, TXT records), "Add BackupMX entries" in one
 * click, the master-file download, and the live DNS check.
 *
 *   GET  /zones                          every zone of the user
 *   GET  /zones/D                        the Zone tab (SOA, NS, MailProxy)
 *   POST /zones/D/mailproxy              set or clear the MailProxy host
 *   GET  /zones/D/records                the Additional Nameserver Entries
 *                                        tab; POST adds a record
 *   GET  /zones/D/records/ID             edit form; POST saves
 *   GET  /zones/D/records/ID/delete      confirmation; POST deletes
 *   GET  /zones/D/backupmx               asks for the mail server; POST
 *                                        inserts the BackupMX MX set
 *   GET  /zones/D/export                 the master file (attachment)
 *   GET  /zones/D/check                  live MX records, judged
 *
 * D is either form of the domain.  Every page needs a signed-in user; a
 * zone that is not the user's is 404 for every path and verb, exactly
 * like one that does not exist.  POSTs check the CSRF token first (403).
 * The records of an external zone (DNS hosted elsewhere) are not ours to
 * change: those pages say so (404 with a reason) and point to the check.
 * All SQL is in core/store_zone.c; every change is audited there.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "csrf.h"
#include "log.h"
#include "page.h"
#include "resolve.h"
#include "sess.h"
#include "store_zone.h"
#include "worker.h"

#define PZ_MX_MAX	32	/* live MX records shown */
#define PZ_FIND_MAX	48

/* One request on one zone. */
struct pz {
	struct req	*r;
	struct db	*db;
	struct actor	 who;
	struct zone_info z;
	const char	*sub;		/* "", "records", "records/7", ... */
	int		 posted;
	struct form	 f;
};

/* Said in words, not only by colour. */
static const char *const pz_levels[] = { "Right", "Check", "Problem" };

static const char *const pz_types[] = { "MX", "A", "AAAA", "CNAME", "TXT" };

static void
pz_names(struct tpl *t, const struct zone_info *z)
{
	tpl_set(t, "DOMAIN", z->domain);
	tpl_set(t, "IDN", z->idn);
	if (strcmp(z->domain, z->idn) != 0)
		tpl_show(t, "ALABEL");
	tpl_show(t, z->external ? "EXTERNAL" : "MANAGED");
}

/* Begin a zone page with its names and tabs; -1 after a 500. */
static int
pz_begin(struct pz *p, struct page_view *v, const char *title,
    const char *file)
{
	if (page_begin(p->r, v, title, file) == -1) {
		page_error(p->r, 500, NULL);
		return -1;
	}
	tpl_set(v->content, "CSRF_FIELD", CSRF_FIELD);
	pz_names(v->content, &p->z);
	return 0;
}

static void
pz_fail(struct pz *p, int rc, const char *what)
{
	if (rc == STORE_NOTFOUND) {
		page_error(p->r, 404, NULL);
		return;
	}
	log_event(LOG_ERR, p->r->id, "zone %s %s: %s", p->z.domain, what,
	    db_error(p->db));
	page_error(p->r, 500, NULL);
}

static void
pz_redirect(struct pz *p, const char *sub, const char *query)
{
	char loc[VALID_NAME_MAX + 96];

	snprintf(loc, sizeof(loc), "/zones/%s%s%s%s", p->z.domain,
	    sub[0] ? "/" : "", sub, query);
	http_redirect(p->r, loc);
}

/* A query-string flag of the request. */
static int
pz_flag(const struct req *r, const char *name)
{
	struct form q;
	int found = 0;

	if (form_parse(&q, r->query, strlen(r->query), NULL) == 0) {
		found = form_get(&q, name) != NULL;
		form_free(&q);
	}
	return found;
}

/* --- the list ------------------------------------------------------------- */

static void
pz_list_row(struct tpl *t, const struct zone_info *z, int admin)
{
	struct tpl *row = tpl_section(t, "ROW");

	pz_names(row, z);
	tpl_set_int(row, "NREC", z->nrec);
	tpl_set_int(row, "SERIAL", z->serial);
	tpl_show(row, z->bmx ? "BMX_ON" : "BMX_OFF");
	if (admin)
		tpl_set(tpl_section(row, "OWNER_COL"), "OWNER", z->owner);
}

/* Managed zones in one table, external domains in another. */
static void
pz_list_fill(struct tpl *t, const struct zone_info *list, size_t n, int admin)
{
	struct tpl *tbl = NULL, *ext = NULL;
	size_t i;

	for (i = 0; i < n; i++) {
		if (list[i].external && ext == NULL) {
			ext = tpl_section(t, "EXT_TABLE");
			if (admin)
				tpl_show(ext, "OWNER_HEAD");
		} else if (!list[i].external && tbl == NULL) {
			tbl = tpl_section(t, "TABLE");
			if (admin)
				tpl_show(tbl, "OWNER_HEAD");
		}
		pz_list_row(list[i].external ? ext : tbl, &list[i], admin);
	}
	if (tbl == NULL)
		tpl_show(t, "NO_ZONES");
}

static void
pz_list(struct req *r)
{
	struct zone_info *list;
	struct page_view v;
	struct actor who;
	struct db *db;
	size_t n;

	if (sess_require(r) == -1)
		return;
	if ((db = worker_db(r->worker)) == NULL) {
		page_error(r, 503, NULL);
		return;
	}
	sess_actor(r, &who);
	if (zone_list(db, &who, &list, &n) != STORE_OK) {
		log_event(LOG_ERR, r->id, "zone list: %s", db_error(db));
		page_error(r, 500, NULL);
		return;
	}
	if (page_begin(r, &v, "Zones", "zone_list.tpl") == -1) {
		free(list);
		page_error(r, 500, NULL);
		return;
	}
	pz_list_fill(v.content, list, n, who.admin);
	free(list);
	page_finish(r, &v, 200);
}

/* --- the Zone tab --------------------------------------------------------- */

/* SOA and NS as the export writes them. */
static void
pz_soa(struct tpl *t, const struct config *cf)
{
	char buf[1024], *tok, *save = NULL;

	util_strlcpy(buf, cf->zone_nameservers != NULL ? cf->zone_nameservers :
	    "", sizeof(buf));
	for (tok = strtok_r(buf, " \t,", &save); tok != NULL;
	    tok = strtok_r(NULL, " \t,", &save))
		tpl_set(tpl_section(t, "NS"), "NS", tok);
	tpl_set(t, "HOSTMASTER", cf->zone_hostmaster != NULL ?
	    cf->zone_hostmaster : "");
}

static void
pz_zone_page(struct pz *p, const char *proxy_in, const char *proxy_err)
{
	struct page_view v;
	struct tpl *t;

	if (pz_begin(p, &v, p->z.idn, "zone_overview.tpl") == -1)
		return;
	t = v.content;
	tpl_set_int(t, "SERIAL", p->z.serial);
	tpl_set_int(t, "NREC", p->z.nrec);
	pz_soa(t, p->r->worker->cf);
	tpl_set(t, "MAILPROXY", proxy_in != NULL ? proxy_in : p->z.mailproxy);
	if (p->z.mailproxy[0] != '\0')
		tpl_set(tpl_section(t, "PROXY_ON"), "PROXY", p->z.mailproxy);
	if (proxy_err != NULL)
		tpl_set(tpl_section(t, "PROXY_ERROR"), "PROXY_ERROR",
		    proxy_err);
	if (p->z.owner[0] != '\0' && p->who.admin)
		tpl_set(tpl_section(t, "OWNER"), "OWNER", p->z.owner);
	tpl_show(t, p->z.bmx ? "BMX_ON" : "BMX_OFF");
	if (pz_flag(p->r, "saved"))
		tpl_set(tpl_section(t, "NOTICE"), "NOTICE", "Saved.");
	page_finish(p->r, &v, 200);
}

static void
pz_mailproxy_post(struct pz *p)
{
	const char *in = form_get(&p->f, "mailproxy");
	int rc;

	rc = zone_set_mailproxy(p->db, &p->who, p->z.domain, in);
	if (rc == STORE_INVALID)
		pz_zone_page(p, in != NULL ? in : "", db_error(p->db));
	else if (rc != STORE_OK)
		pz_fail(p, rc, "mailproxy");
	else
		pz_redirect(p, "", "?saved=1");
}

/* --- the record form ------------------------------------------------------ */

/* What a record form shows: the stored record or the input, and errors. */
struct pz_form {
	const char	*name, *type, *ttl, *pref, *value;
	char		 errs[ZONE_NFIELDS][VALID_ERR_MAX];
	const char	*error;			/* the whole record's */
	char		 ttlbuf[24], prefbuf[16];
};

static void
pz_form_from(struct pz_form *pf, const struct zone_rec *rec)
{
	memset(pf, 0, sizeof(*pf));
	if (rec == NULL) {
		pf->name = pf->value = pf->pref = "";
		pf->type = "MX";
		snprintf(pf->ttlbuf, sizeof(pf->ttlbuf), "%d", ZONE_TTL_DEFAULT);
		pf->ttl = pf->ttlbuf;
		return;
	}
	pf->name = rec->name;
	pf->type = rec->type;
	pf->value = rec->value;
	snprintf(pf->ttlbuf, sizeof(pf->ttlbuf), "%ld", rec->ttl);
	pf->ttl = pf->ttlbuf;
	if (strcmp(rec->type, "MX") == 0)
		snprintf(pf->prefbuf, sizeof(pf->prefbuf), "%d", rec->pref);
	pf->pref = pf->prefbuf;
}

static const char *
pz_in(const struct form *f, const char *name)
{
	const char *v = form_get(f, name);

	return v != NULL ? v : "";
}

/* Read and check a posted record; the number of bad fields. */
static int
pz_form_read(struct pz *p, struct pz_form *pf, struct zone_rec *rec)
{
	struct zone_input in;

	memset(pf, 0, sizeof(*pf));
	in.name = pf->name = pz_in(&p->f, "name");
	in.type = pf->type = pz_in(&p->f, "type");
	in.ttl = pf->ttl = pz_in(&p->f, "ttl");
	in.pref = pf->pref = pz_in(&p->f, "pref");
	in.value = pf->value = pz_in(&p->f, "value");
	return zone_rec_check(p->z.domain, &in, rec, pf->errs);
}

static void
pz_form_fill(struct tpl *t, const struct pz *p, const struct pz_form *pf,
    const char *action)
{
	static const char *const ekeys[ZONE_NFIELDS] = { "NAME_ERROR",
	    "TYPE_ERROR", "TTL_ERROR", "PREF_ERROR", "VALUE_ERROR" };
	struct tpl *o;
	size_t i;
	int bad = 0;

	tpl_set(t, "CSRF_FIELD", CSRF_FIELD);
	tpl_set(t, "CSRF", p->r->sess.csrf);
	tpl_set(t, "ACTION", action);
	tpl_set(t, "DOMAIN", p->z.domain);
	tpl_set(t, "NAME", pf->name);
	tpl_set(t, "TTL", pf->ttl);
	tpl_set(t, "PREF", pf->pref);
	tpl_set(t, "VALUE", pf->value);
	for (i = 0; i < sizeof(pz_types) / sizeof(pz_types[0]); i++) {
		o = tpl_section(t, "TYPE");
		tpl_set(o, "T", pz_types[i]);
		if (strcasecmp(pf->type, pz_types[i]) == 0)
			tpl_show(o, "SELECTED");
	}
	for (i = 0; i < ZONE_NFIELDS; i++)
		if (pf->errs[i][0] != '\0') {
			tpl_set(tpl_section(t, ekeys[i]), ekeys[i], pf->errs[i]);
			bad = 1;
		}
	if (pf->error != NULL)
		tpl_set(tpl_section(t, "FORM_ERROR"), "FORM_ERROR", pf->error);
	else if (bad)
		tpl_show(t, "HAS_ERRORS");
}

/* --- the Additional Nameserver Entries tab -------------------------------- */

static void
pz_rec_row(struct tpl *t, const struct zone_info *z, const struct zone_rec *r)
{
	struct tpl *row = tpl_section(t, "REC");

	tpl_set(row, "DOMAIN", z->domain);
	tpl_set_int(row, "ID", r->id);
	tpl_set(row, "NAME", r->name);
	tpl_set(row, "TYPE", r->type);
	tpl_set_int(row, "TTL", r->ttl);
	if (strcmp(r->type, "MX") == 0)
		tpl_set_int(tpl_section(row, "PREF"), "PREF", r->pref);
	tpl_set(row, "VALUE", r->value);
	if (r->provisioned)
		tpl_show(row, "PROVISIONED");
}

/* The judgement of the apex MX records as stored. */
static void
pz_rec_findings(struct tpl *t, const struct zone_info *z,
    const struct zone_rec *recs, size_t n)
{
	static const char *const cls[] = { "good", "warn", "bad" };
	char bk[ZONE_BACKUP_MAX][VALID_NAME_MAX];
	struct zone_mx mx[PZ_MX_MAX];
	struct zone_finding fd[PZ_FIND_MAX];
	size_t i, k = 0, nb = zone_backup_hosts(bk, ZONE_BACKUP_MAX), nf;
	struct tpl *it;

	for (i = 0; i < n && k < PZ_MX_MAX; i++)
		if (strcmp(recs[i].name, "@") == 0 &&
		    strcmp(recs[i].type, "MX") == 0) {
			mx[k].pref = recs[i].pref;
			util_strlcpy(mx[k].host, recs[i].value,
			    sizeof(mx[k].host));
			if (strlen(mx[k].host) > 1)
				mx[k].host[strlen(mx[k].host) - 1] = '\0';
			k++;
		}
	if (!z->bmx && k == 0)
		return;
	nf = zone_mx_judge(mx, k, bk, nb, z->mailproxy, fd, PZ_FIND_MAX);
	for (i = 0; i < nf; i++) {
		it = tpl_section(t, "FINDING");
		tpl_set(it, "CLASS", cls[fd[i].level]);
		tpl_set(it, "LEVEL", pz_levels[fd[i].level]);
		tpl_set(it, "TEXT", fd[i].text);
	}
}

static void
pz_records_page(struct pz *p, const struct pz_form *pf, int status)
{
	struct pz_form blank;
	struct zone_rec *recs;
	struct page_view v;
	char action[VALID_NAME_MAX + 32];
	size_t n, i;
	int rc;

	if ((rc = zone_records(p->db, &p->who, p->z.domain, &recs, &n)) !=
	    STORE_OK) {
		pz_fail(p, rc, "records");
		return;
	}
	if (pz_begin(p, &v, p->z.idn, "zone_records.tpl") == -1) {
		free(recs);
		return;
	}
	for (i = 0; i < n; i++)
		pz_rec_row(v.content, &p->z, &recs[i]);
	if (n == 0)
		tpl_show(v.content, "NO_RECORDS");
	pz_rec_findings(v.content, &p->z, recs, n);
	free(recs);
	if (pf == NULL) {
		pz_form_from(&blank, NULL);
		pf = &blank;
	}
	snprintf(action, sizeof(action), "/zones/%s/records", p->z.domain);
	pz_form_fill(tpl_include(v.content, "FORM", "zone_form.tpl"), p, pf,
	    action);
	if (pz_flag(p->r, "added"))
		tpl_set(tpl_section(v.content, "NOTICE"), "NOTICE",
		    "The record was added.");
	else if (pz_flag(p->r, "bmx"))
		tpl_set(tpl_section(v.content, "NOTICE"), "NOTICE",
		    "The BackupMX entries are in the zone.");
	else if (pz_flag(p->r, "saved") || pz_flag(p->r, "deleted"))
		tpl_set(tpl_section(v.content, "NOTICE"), "NOTICE",
		    pz_flag(p->r, "saved") ? "The record was saved." :
		    "The record was deleted.");
	page_finish(p->r, &v, status);
}

static void
pz_records_post(struct pz *p)
{
	struct pz_form pf;
	struct zone_rec rec;
	int rc;

	if (pz_form_read(p, &pf, &rec) > 0) {
		pz_records_page(p, &pf, 200);
		return;
	}
	rc = zone_record_add(p->db, &p->who, p->z.domain, &rec, NULL);
	if (rc == STORE_INVALID) {
		pf.error = db_error(p->db);
		pz_records_page(p, &pf, 200);
	} else if (rc != STORE_OK)
		pz_fail(p, rc, "record add");
	else
		pz_redirect(p, "records", "?added=1");
}

/* --- one record ----------------------------------------------------------- */

static void
pz_edit_page(struct pz *p, const struct zone_rec *rec,
    const struct pz_form *pf, int status)
{
	char action[VALID_NAME_MAX + 48];
	struct page_view v;

	if (pz_begin(p, &v, "Edit record", "zone_edit.tpl") == -1)
		return;
	tpl_set_int(v.content, "ID", rec->id);
	snprintf(action, sizeof(action), "/zones/%s/records/%lld", p->z.domain,
	    (long long)rec->id);
	pz_form_fill(tpl_include(v.content, "FORM", "zone_form.tpl"), p, pf,
	    action);
	if (rec->provisioned)
		tpl_show(v.content, "PROVISIONED");
	page_finish(p->r, &v, status);
}

/* The confirmation page, or (POST) the deletion. */
static void
pz_record_delete(struct pz *p, const struct zone_rec *rec)
{
	struct page_view v;
	int rc;

	if (!p->posted) {
		if (pz_begin(p, &v, "Delete record", "zone_delete.tpl") == -1)
			return;
		pz_rec_row(v.content, &p->z, rec);
		page_finish(p->r, &v, 200);
	} else if ((rc = zone_record_del(p->db, &p->who, p->z.domain,
	    rec->id)) != STORE_OK)
		pz_fail(p, rc, "record delete");
	else
		pz_redirect(p, "records", "?deleted=1");
}

static void
pz_record(struct pz *p, int64_t id, int del)
{
	struct pz_form pf;
	struct zone_rec rec, in;
	int rc;

	if ((rc = zone_record_get(p->db, &p->who, p->z.domain, id, &rec)) !=
	    STORE_OK) {
		pz_fail(p, rc, "record");
		return;
	}
	if (del) {
		pz_record_delete(p, &rec);
		return;
	}
	if (!p->posted) {
		pz_form_from(&pf, &rec);
		pz_edit_page(p, &rec, &pf, 200);
		return;
	}
	if (pz_form_read(p, &pf, &in) > 0) {
		pz_edit_page(p, &rec, &pf, 200);
		return;
	}
	rc = zone_record_update(p->db, &p->who, p->z.domain, id, &in);
	if (rc == STORE_INVALID) {
		pf.error = db_error(p->db);
		pz_edit_page(p, &rec, &pf, 200);
	} else if (rc != STORE_OK)
		pz_fail(p, rc, "record update");
	else
		pz_redirect(p, "records", "?saved=1");
}

/* --- Add BackupMX entries ------------------------------------------------- */

static void
pz_bmx_page(struct pz *p, const char *primary, int one, const char *err)
{
	char bk[ZONE_BACKUP_MAX][VALID_NAME_MAX], host[VALID_NAME_MAX + 1];
	size_t nb = zone_backup_hosts(bk, ZONE_BACKUP_MAX), i;
	struct page_view v;
	struct tpl *it;

	if (pz_begin(p, &v, "Add BackupMX entries", "zone_backupmx.tpl") == -1)
		return;
	tpl_set(v.content, "PRIMARY", primary != NULL ? primary : "");
	tpl_show(v.content, one ? "ONE" : "ALL");
	for (i = 0; i < nb; i++) {
		it = tpl_section(v.content, "BACKUP");
		snprintf(host, sizeof(host), "%s.", bk[i]);
		tpl_set(it, "HOST", host);
		tpl_set_int(it, "PREF", zone_backup_pref(i));
	}
	if (nb > 0) {
		snprintf(host, sizeof(host), "%s.", bk[0]);
		tpl_set(v.content, "FIRST", host);
	}
	if (p->z.mailproxy[0] != '\0')
		tpl_set(tpl_section(v.content, "PROXY"), "PROXY",
		    p->z.mailproxy);
	else
		tpl_show(v.content, "NO_PROXY");
	if (err != NULL)
		tpl_set(tpl_section(v.content, "PRIMARY_ERROR"),
		    "PRIMARY_ERROR", err);
	page_finish(p->r, &v, 200);
}

static void
pz_bmx(struct pz *p)
{
	const char *primary;
	int one, rc;

	if (!p->posted) {
		pz_bmx_page(p, NULL, 0, NULL);
		return;
	}
	primary = pz_in(&p->f, "primary");
	one = strcmp(pz_in(&p->f, "servers"), "one") == 0;
	rc = zone_bmx_set(p->db, &p->who, p->z.domain, primary, !one);
	if (rc == STORE_INVALID)
		pz_bmx_page(p, primary, one, db_error(p->db));
	else if (rc != STORE_OK)
		pz_fail(p, rc, "backupmx set");
	else
		pz_redirect(p, "records", "?bmx=1");
}

/* --- export and the DNS check --------------------------------------------- */

static void
pz_export(struct pz *p)
{
	const struct config *cf = p->r->worker->cf;
	char disp[VALID_NAME_MAX + 48];
	char *text;
	int rc;

	rc = zone_export(p->db, &p->who, p->z.domain, cf->zone_nameservers,
	    cf->zone_hostmaster, &text);
	if (rc != STORE_OK) {
		pz_fail(p, rc, "export");
		return;
	}
	snprintf(disp, sizeof(disp), "attachment; filename=\"%s.zone\"",
	    p->z.domain);
	http_header(p->r, "Content-Disposition", disp);
	http_send(p->r, 200, "text/plain; charset=us-ascii", text,
	    strlen(text));
	free(text);
}

static void
pz_check_live(struct tpl *t, const struct zone_mx *mx, size_t n,
    char (*bk)[VALID_NAME_MAX], size_t nb, const char *proxy)
{
	static const char *const cls[] = { "good", "warn", "bad" };
	struct zone_finding fd[PZ_FIND_MAX];
	struct tpl *it;
	size_t i, nf;

	for (i = 0; i < n; i++) {
		it = tpl_section(t, "MX");
		tpl_set_int(it, "PREF", mx[i].pref);
		tpl_set(it, "HOST", mx[i].host);
		tpl_set(it, "ROLE", zone_mx_role(mx[i].host, bk, nb, proxy));
	}
	nf = zone_mx_judge(mx, n, bk, nb, proxy, fd, PZ_FIND_MAX);
	for (i = 0; i < nf; i++) {
		it = tpl_section(t, "FINDING");
		tpl_set(it, "CLASS", cls[fd[i].level]);
		tpl_set(it, "LEVEL", pz_levels[fd[i].level]);
		tpl_set(it, "TEXT", fd[i].text);
	}
}

static void
pz_check(struct pz *p)
{
	char bk[ZONE_BACKUP_MAX][VALID_NAME_MAX], why[RESOLVE_WHY_MAX];
	struct zone_mx mx[PZ_MX_MAX];
	size_t nb = zone_backup_hosts(bk, ZONE_BACKUP_MAX), n;
	struct page_view v;
	enum resolve_rc rc;

	rc = resolve_mx(p->r->worker->cf->dns_resolver, p->z.domain, mx,
	    PZ_MX_MAX, &n, why);
	if (pz_begin(p, &v, "DNS check", "zone_check.tpl") == -1)
		return;
	if (rc == RESOLVE_OK) {
		pz_check_live(tpl_section(v.content, "LOOKED_UP"), mx, n, bk,
		    nb, p->z.mailproxy);
	} else
		tpl_set(tpl_section(v.content, "LOOKUP_ERROR"), "WHY", why);
	page_finish(p->r, &v, 200);
}

/* --- /zones/D/... --------------------------------------------------------- */

/* "records/ID" or "records/ID/delete": the id; -1 for anything else. */
static int64_t
pz_record_id(const char *sub, int *del)
{
	char *end;
	long long id;

	if (strncmp(sub, "records/", 8) != 0 || sub[8] < '1' || sub[8] > '9')
		return -1;
	id = strtoll(sub + 8, &end, 10);
	*del = strcmp(end, "/delete") == 0;
	if (*end != '\0' && !*del)
		return -1;
	return id;
}

/* The page for p->sub of a zone the user may see. */
static void
pz_route(struct pz *p)
{
	int64_t id;
	int del = 0, get = !p->posted;

	if (strcmp(p->sub, "") == 0 && get)
		pz_zone_page(p, NULL, NULL);
	else if (strcmp(p->sub, "mailproxy") == 0 && !get)
		pz_mailproxy_post(p);
	else if (strcmp(p->sub, "export") == 0 && get)
		pz_export(p);
	else if (strcmp(p->sub, "check") == 0 && get)
		pz_check(p);
	else if (p->z.external && (strcmp(p->sub, "records") == 0 ||
	    strcmp(p->sub, "backupmx") == 0 || strncmp(p->sub, "records/",
	    8) == 0))
		page_error(p->r, 404, "The zone of this domain is hosted "
		    "elsewhere: change its records there, and use the DNS "
		    "check to see whether they are right.");
	else if (strcmp(p->sub, "records") == 0 && get)
		pz_records_page(p, NULL, 200);
	else if (strcmp(p->sub, "records") == 0)
		pz_records_post(p);
	else if (strcmp(p->sub, "backupmx") == 0)
		pz_bmx(p);
	else if ((id = pz_record_id(p->sub, &del)) > 0)
		pz_record(p, id, del);
	else if (strcmp(p->sub, "") == 0 || strcmp(p->sub, "export") == 0 ||
	    strcmp(p->sub, "check") == 0 || strcmp(p->sub, "mailproxy") == 0) {
		http_header(p->r, "Allow", get ? "POST" : "GET, HEAD");
		page_error(p->r, 405, NULL);
	} else
		page_error(p->r, 404, NULL);
}

static void
pz_zone(struct req *r)
{
	char name[VALID_NAME_MAX * 4];
	const char *slash = strchr(r->arg, '/');
	size_t len = slash != NULL ? (size_t)(slash - r->arg) : strlen(r->arg);
	struct pz p;
	int rc;

	if (sess_require(r) == -1)
		return;
	memset(&p, 0, sizeof(p));
	p.r = r;
	p.sub = slash != NULL ? slash + 1 : "";
	if (len >= sizeof(name)) {
		page_error(r, 404, NULL);
		return;
	}
	memcpy(name, r->arg, len);
	name[len] = '\0';
	if (r->method == HTTP_POST && (p.posted = sess_post(r, &p.f) == 0) == 0)
		return;		/* sess_post() answered 400 or 403 */
	if ((p.db = worker_db(r->worker)) == NULL)
		page_error(r, 503, NULL);
	else {
		sess_actor(r, &p.who);
		if ((rc = zone_get(p.db, &p.who, name, &p.z)) != STORE_OK)
			pz_fail(&p, rc, "get");
		else
			pz_route(&p);
	}
	if (p.posted)
		form_free(&p.f);
}

const struct page_route page_zone_routes[] = {
	{ "/zones",	HTTP_GET,		pz_list },
	{ "/zones/*",	HTTP_GET | HTTP_POST,	pz_zone },
	{ NULL, 0, NULL }
};
