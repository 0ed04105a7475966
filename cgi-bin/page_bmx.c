/*
 * page_bmx — BackupMX management: the list of entries, a new entry, one
 * entry's details and settings, and deleting one.
 *
 *   GET  /backupmx                  list: ?q= (search, '*' wildcard),
 *                                   ?sort=domain|created|updated|owner,
 *                                   ?dir=asc|desc, ?page=N (25 a page)
 *   GET  /backupmx/new              form; POST creates (bmx_add)
 *   GET  /backupmx/DOMAIN           details and the settings form; POST
 *                                   saves them (bmx_update)
 *   GET  /backupmx/DOMAIN/delete    confirmation; POST deletes (bmx_del)
 *
 * DOMAIN is either form (nginx has percent-decoded the path); links use
 * the A-label.  Every page needs a signed-in user; a customer sees only
 * its own entries, and anybody else's answers 404 whatever the method,
 * exactly like one that does not exist (the store scopes every call).
 * POSTs check the CSRF token first (403), then whose entry it is.
 * A refused form comes back with the user's input and each error beside
 * its field.  All SQL is in core/store_bmx.c.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csrf.h"
#include "log.h"
#include "page.h"
#include "sess.h"
#include "store_bmx.h"
#include "worker.h"

#define BMX_PER_PAGE	25
#define BMX_CANDIDATES	500	/* suggestions in the new-entry form */

static const char *const bmx_sort_names[] = {
	[BMX_SORT_DOMAIN] = "domain",
	[BMX_SORT_CREATED] = "created",
	[BMX_SORT_UPDATED] = "updated",
	[BMX_SORT_OWNER] = "owner",
};
#define BMX_NSORT (sizeof(bmx_sort_names) / sizeof(bmx_sort_names[0]))

/* --- small helpers ------------------------------------------------------- */

static struct db *
pbmx_db(struct req *r)
{
	struct db *db = worker_db(r->worker);

	if (db == NULL)
		page_error(r, 503, NULL);
	return db;
}

/*
 * "2026-11-29 02:12", UTC, for key: the template shows it with " UTC" and
 * as <time datetime="...Z">.
 */
static void
pbmx_set_time(struct tpl *d, const char *key, int64_t t)
{
	char iso[48];

	util_iso8601(t, iso, sizeof(iso));
	/* "2026-11-29T02:12:07Z" -> "2026-11-29 02:12" */
	if (iso[10] == 'T') {
		iso[10] = ' ';
		iso[16] = '\0';
	}
	tpl_set(d, key, iso);
}

/* The domain in both forms: IDN, and DOMAIN (A-label) when it differs. */
static void
pbmx_set_names(struct tpl *d, const struct bmx *b)
{
	tpl_set(d, "DOMAIN", b->domain);
	tpl_set(d, "IDN", b->idn);
	if (strcmp(b->domain, b->idn) != 0)
		tpl_show(d, "ALABEL");
}

/* --- the list ------------------------------------------------------------ */

struct pbmx_listq {
	char		 text[FORM_VALUE_MAX];
	char		 err[VALID_ERR_MAX];
	enum bmx_sort	 sort;
	int		 desc;
	int64_t		 page;
};

/* The query string of the list; unknown sort orders fall back to domain. */
static void
pbmx_listq_read(const struct req *r, struct pbmx_listq *lq)
{
	static const struct form_key keys[] = {
		{ "q", 0, NULL },
		{ "sort", 0, NULL },
		{ "dir", 0, NULL },
		{ "page", 0, form_v_int },
	};
	char vals[4][FORM_VALUE_MAX], errs[4][VALID_ERR_MAX];
	struct form q;
	size_t i;

	memset(lq, 0, sizeof(*lq));
	lq->page = 1;
	if (form_parse(&q, r->query, strlen(r->query), NULL) == -1) {
		util_strlcpy(lq->err, "the search could not be read",
		    sizeof(lq->err));
		return;
	}
	form_check(&q, keys, 4, vals, errs);
	form_free(&q);
	util_strlcpy(lq->text, vals[0], sizeof(lq->text));
	if (errs[0][0] != '\0' || strlen(vals[0]) > BMX_QUERY_MAX)
		snprintf(lq->err, sizeof(lq->err), "%s", errs[0][0] ? errs[0] :
		    "too long (at most 200 characters)");
	for (i = 0; i < BMX_NSORT; i++)
		if (strcmp(vals[1], bmx_sort_names[i]) == 0)
			lq->sort = (enum bmx_sort)i;
	lq->desc = strcmp(vals[2], "desc") == 0;
	if (errs[3][0] == '\0' && vals[3][0] != '\0')
		lq->page = strtoll(vals[3], NULL, 10);
}

/* "/backupmx?q=...&sort=...&dir=...&page=N", defaults left out. */
static void
pbmx_list_href(struct tpl *d, const char *key, const struct pbmx_listq *lq,
    enum bmx_sort sort, int desc, int64_t page)
{
	struct sbuf b;
	char sep = '?', num[32];
	char *s;

	sbuf_init(&b);
	sbuf_puts(&b, "/backupmx");
	if (lq->text[0] != '\0' && lq->err[0] == '\0') {
		sbuf_puts(&b, "?q=");
		sbuf_url_arg(&b, lq->text);
		sep = '&';
	}
	if (sort != BMX_SORT_DOMAIN || desc) {
		sbuf_printf(&b, "%csort=%s&dir=%s", sep, bmx_sort_names[sort],
		    desc ? "desc" : "asc");
		sep = '&';
	}
	if (page > 1) {
		snprintf(num, sizeof(num), "%lld", (long long)page);
		sbuf_printf(&b, "%cpage=%s", sep, num);
	}
	s = sbuf_finish(&b);
	tpl_set(d, key, s);
	free(s);
}

/* The table's header row: sortable columns link to their order. */
static void
pbmx_list_heads(struct tpl *t, const struct pbmx_listq *lq, int admin)
{
	static const struct {
		const char	*label;
		int		 sort;		/* -1: not sortable */
		int		 admin;		/* shown to admins only */
	} cols[] = {
		{ "Domain", BMX_SORT_DOMAIN, 0 },
		{ "Owner", BMX_SORT_OWNER, 1 },
		{ "Created", BMX_SORT_CREATED, 0 },
		{ "Updated", BMX_SORT_UPDATED, 0 },
		{ "Delivery host", -1, 0 },
		{ "Recipients", -1, 0 },
		{ "Queued", -1, 0 },
	};
	struct tpl *c;
	size_t i;
	int cur;

	/* One section row per column; the parts inside it are only shown
	 * and read the column's values (a shown section costs ctemplate far
	 * less than a new section row). */
	for (i = 0; i < sizeof(cols) / sizeof(cols[0]); i++) {
		if (cols[i].admin && !admin)
			continue;
		c = tpl_section(t, "COL");
		tpl_set(c, "LABEL", cols[i].label);
		if (cols[i].sort < 0) {
			tpl_show(c, "PLAIN");
			continue;
		}
		cur = cols[i].sort == (int)lq->sort;
		tpl_show(c, "SORTLINK");
		pbmx_list_href(c, "HREF", lq, (enum bmx_sort)cols[i].sort,
		    cur && !lq->desc, 1);
		if (cur) {
			tpl_show(c, "ARIA");
			tpl_set(c, "SORTDIR", lq->desc ? "descending" :
			    "ascending");
			tpl_show(c, "ARROW");
			tpl_set(c, "ARROW_CHAR", lq->desc ? "▼" : "▲");
		}
	}
}

static void
pbmx_list_row(struct tpl *t, const struct bmx_row *row, int admin)
{
	struct tpl *d = tpl_section(t, "ROW");
	const struct bmx *b = &row->b;

	pbmx_set_names(d, b);
	if (admin)
		tpl_set(tpl_section(d, "OWNER_COL"), "OWNER", b->owner);
	pbmx_set_time(d, "CREATED", b->created);
	pbmx_set_time(d, "UPDATED", b->updated);
	if (b->delivery_host[0] != '\0')
		tpl_set(tpl_section(d, "HOST"), "HOST", b->delivery_host);
	else
		tpl_show(d, "MX");
	if (strcmp(b->recipient_policy, "list") == 0)
		tpl_set_int(tpl_section(d, "LISTED"), "NRCPT", row->nrcpt);
	else
		tpl_show(d, "ANY");
	if (b->only_when_down)
		tpl_show(d, "DOWN_ONLY");
	tpl_set_int(d, "QUEUED", row->queued);
}

/* Page links: first, last, and two either side of the current one. */
static void
pbmx_list_pager(struct tpl *t, const struct pbmx_listq *lq, int64_t pages)
{
	struct tpl *p, *it;
	int64_t i, last = 0;

	if (pages <= 1)
		return;
	p = tpl_section(t, "PAGER");
	if (lq->page > 1)
		pbmx_list_href(tpl_section(p, "PREV"), "HREF", lq, lq->sort,
		    lq->desc, lq->page - 1);
	if (lq->page < pages)
		pbmx_list_href(tpl_section(p, "NEXT"), "HREF", lq, lq->sort,
		    lq->desc, lq->page + 1);
	for (i = 1; i <= pages; i++) {
		if (i != 1 && i != pages && (i < lq->page - 2 ||
		    i > lq->page + 2))
			continue;
		if (last != 0 && i > last + 1)
			tpl_show(tpl_section(p, "PAGE"), "GAP");
		it = tpl_section(p, "PAGE");
		tpl_set_int(it, "NUM", i);
		if (i == lq->page)
			tpl_show(it, "CURRENT");
		else {
			tpl_show(it, "LINK");
			pbmx_list_href(it, "HREF", lq, lq->sort, lq->desc, i);
		}
		last = i;
	}
}

/* "3 entries", "Entries 26–50 of 1000", "Nothing matches ...". */
static void
pbmx_list_summary(struct tpl *t, const struct pbmx_listq *lq, int64_t total,
    size_t n)
{
	char s[FORM_VALUE_MAX + 64];
	int64_t from = (lq->page - 1) * BMX_PER_PAGE + 1;

	if (total == 0 && lq->text[0] != '\0' && lq->err[0] == '\0')
		snprintf(s, sizeof(s), "No entry matches “%s”.", lq->text);
	else if (total == 0)
		snprintf(s, sizeof(s), "No BackupMX entries yet.");
	else if (total <= BMX_PER_PAGE)
		snprintf(s, sizeof(s), "%lld entr%s.", (long long)total,
		    total == 1 ? "y" : "ies");
	else
		snprintf(s, sizeof(s), "Entries %lld–%lld of %lld.",
		    (long long)from, (long long)(from + (int64_t)n - 1),
		    (long long)total);
	tpl_set(t, "SUMMARY", s);
}

/* A notice after a deletion (?deleted=DOMAIN), for a valid name only. */
static void
pbmx_list_notice(const struct req *r, struct tpl *t)
{
	char in[VALID_NAME_MAX * 4], a[VALID_NAME_MAX], u[VALID_NAME_MAX * 4];
	char msg[VALID_NAME_MAX * 4 + 64];

	if (http_query(r, "deleted", in, sizeof(in)) <= 0 ||
	    valid_domain(in, a, u, NULL) == -1)
		return;
	snprintf(msg, sizeof(msg), "BackupMX for %s has been deleted.", u);
	tpl_set(tpl_section(t, "NOTICE"), "NOTICE", msg);
}

static void
pbmx_list_render(struct req *r, const struct pbmx_listq *lq,
    const struct bmx_row *rows, size_t n, int64_t total, int admin)
{
	struct page_view v;
	struct tpl *t, *table;
	size_t i;

	if (page_begin(r, &v, "BackupMX", "bmx_list.tpl") == -1) {
		page_error(r, 500, NULL);
		return;
	}
	t = v.content;
	tpl_set(t, "Q", lq->text);
	tpl_set(t, "SORT", bmx_sort_names[lq->sort]);
	tpl_set(t, "DIR", lq->desc ? "desc" : "asc");
	if (lq->err[0] != '\0')
		tpl_set(tpl_section(t, "Q_ERROR"), "Q_ERROR", lq->err);
	pbmx_list_notice(r, t);
	pbmx_list_summary(t, lq, total, n);
	if (n > 0) {
		table = tpl_section(t, "TABLE");
		pbmx_list_heads(table, lq, admin);
		for (i = 0; i < n; i++)
			pbmx_list_row(table, &rows[i], admin);
	}
	pbmx_list_pager(t, lq, (total + BMX_PER_PAGE - 1) / BMX_PER_PAGE);
	page_finish(r, &v, 200);
}

static void
pbmx_list(struct req *r)
{
	struct pbmx_listq lq;
	struct bmx_query q;
	struct bmx_row *rows;
	struct actor who;
	struct db *db;
	size_t n;
	int64_t total;

	if (sess_require(r) == -1 || (db = pbmx_db(r)) == NULL)
		return;
	sess_actor(r, &who);
	pbmx_listq_read(r, &lq);
	q.text = lq.err[0] == '\0' ? lq.text : NULL;
	q.sort = lq.sort;
	q.desc = lq.desc;
	q.page = lq.page;
	q.per_page = BMX_PER_PAGE;
	if (bmx_search(db, &who, &q, &rows, &n, &total) != STORE_OK) {
		log_event(LOG_ERR, r->id, "backupmx list: %s", db_error(db));
		page_error(r, 500, NULL);
		return;
	}
	lq.page = q.page;
	pbmx_list_render(r, &lq, rows, n, total, who.admin);
	bmx_rows_free(rows);
}

/* --- a new entry --------------------------------------------------------- */

static const struct form_key pbmx_new_keys[] = {
	{ "domain", 1, form_v_domain },
	{ "delivery_host", 0, form_v_hostport },
};
#define BMX_NEW_NKEYS 2

static void
pbmx_new_form(struct req *r, struct db *db, const struct form *f,
    char (*errs)[VALID_ERR_MAX])
{
	static const char *const ids[] = { "DOMAIN", "HOST" };
	struct bmx_candidate *c = NULL;
	struct page_view v;
	struct actor who;
	struct tpl *it;
	char key[32];
	const char *in;
	size_t n = 0, i;

	sess_actor(r, &who);
	if (page_begin(r, &v, "New BackupMX entry", "bmx_new.tpl") == -1) {
		page_error(r, 500, NULL);
		return;
	}
	tpl_set(v.content, "CSRF_FIELD", CSRF_FIELD);
	tpl_show(v.content, who.admin ? "ADMIN" : "CUSTOMER");
	for (i = 0; i < BMX_NEW_NKEYS; i++) {
		in = f != NULL ? form_get(f, pbmx_new_keys[i].name) : NULL;
		tpl_set(v.content, ids[i], in != NULL ? in : "");
		if (errs != NULL && errs[i][0] != '\0') {
			snprintf(key, sizeof(key), "%s_ERROR", ids[i]);
			tpl_set(tpl_section(v.content, key), key, errs[i]);
		}
	}
	if (bmx_candidates(db, &who, BMX_CANDIDATES, &c, &n) != STORE_OK)
		log_event(LOG_ERR, r->id, "backupmx candidates: %s",
		    db_error(db));
	for (i = 0; i < n; i++) {
		it = tpl_section(v.content, "CANDIDATE");
		tpl_set(it, "IDN", c[i].idn);
		if (who.admin)
			tpl_set(tpl_section(it, "OWNER"), "OWNER", c[i].owner);
	}
	if (n == 0)
		tpl_show(v.content, "NO_CANDIDATES");
	bmx_candidates_free(c);
	page_finish(r, &v, 200);
}

/* Create the entry; on a store refusal, say why beside the field. */
static int
pbmx_new_add(struct req *r, struct db *db, char (*vals)[FORM_VALUE_MAX],
    char (*errs)[VALID_ERR_MAX])
{
	char u[VALID_NAME_MAX];
	struct actor who;
	int rc;

	sess_actor(r, &who);
	rc = bmx_add(db, &who, vals[0], vals[1][0] != '\0' ? vals[1] : NULL);
	if (valid_domain_to_unicode(vals[0], u, NULL) == -1)
		util_strlcpy(u, vals[0], sizeof(u));
	if (rc == STORE_NOTFOUND)
		snprintf(errs[0], VALID_ERR_MAX, who.admin ? "%s is not in any "
		    "customer's portfolio" : "%s is not in your portfolio: "
		    "order it through the cart first", u);
	else if (rc == STORE_EXISTS)
		snprintf(errs[0], VALID_ERR_MAX, "%s already has a BackupMX "
		    "entry", u);
	else if (rc == STORE_INVALID)
		snprintf(errs[0], VALID_ERR_MAX, "%s", db_error(db));
	else if (rc != STORE_OK) {
		log_event(LOG_ERR, r->id, "backupmx add %s: %s", vals[0],
		    db_error(db));
		page_error(r, 500, NULL);
	}
	return rc;
}

static void
pbmx_new(struct req *r)
{
	char vals[BMX_NEW_NKEYS][FORM_VALUE_MAX], errs[BMX_NEW_NKEYS][VALID_ERR_MAX];
	char loc[VALID_NAME_MAX + 32];
	struct form f;
	struct db *db;
	int rc;

	if (sess_require(r) == -1 || (db = pbmx_db(r)) == NULL)
		return;
	if (r->method != HTTP_POST) {
		pbmx_new_form(r, db, NULL, NULL);
		return;
	}
	if (sess_post(r, &f) == -1)
		return;
	if (form_check(&f, pbmx_new_keys, BMX_NEW_NKEYS, vals, errs) > 0)
		pbmx_new_form(r, db, &f, errs);
	else if ((rc = pbmx_new_add(r, db, vals, errs)) == STORE_OK) {
		log_event(LOG_INFO, r->id, "backupmx %s added by %s", vals[0],
		    r->sess.a.name);
		snprintf(loc, sizeof(loc), "/backupmx/%s?created=1", vals[0]);
		http_redirect(r, loc);
	} else if (rc != STORE_ERROR)	/* refused: the form again */
		pbmx_new_form(r, db, &f, errs);
	form_free(&f);
}

/* --- one entry ----------------------------------------------------------- */

/* What the settings form shows: stored values, or what was sent. */
struct pbmx_edit {
	const char	*host;
	int		 listed;
	int		 only_when_down;
	const char	*recipients;	/* the textarea */
	char		*own;		/* recipients when built here */
	const char	*notice;
	char		 errs[4][BMX_RCPT_ERR_MAX];	/* host, policy, list,
							   file */
};

enum { BMX_E_HOST, BMX_E_POLICY, BMX_E_LIST, BMX_E_FILE };

static void
pbmx_entry_info(struct tpl *t, const struct bmx_entry *e)
{
	pbmx_set_names(t, &e->b);
	tpl_set(t, "OWNER", e->b.owner);
	tpl_set(t, "UPDATER", e->b.updater[0] ? e->b.updater :
	    "the operator (backupmxctl)");
	pbmx_set_time(t, "CREATED", e->b.created);
	pbmx_set_time(t, "UPDATED", e->b.updated);
	tpl_set_int(t, "QUEUED", e->queued);
	tpl_set(t, "QUEUED_S", e->queued == 1 ? "" : "s");
	tpl_set_int(t, "NRCPT", (long long)e->nrcpt);
	tpl_show(t, e->b.active ? "ACTIVE" : "INACTIVE");
	tpl_show(t, strcmp(e->b.recipient_policy, "list") == 0 ?
	    "POLICY_LIST" : "POLICY_ANY");
	if (e->b.only_when_down)
		tpl_show(t, "WHEN_DOWN");
	if (e->b.delivery_host[0] != '\0')
		tpl_set(tpl_section(t, "STORED_HOST"), "STORED_HOST",
		    e->b.delivery_host);
	else
		tpl_show(t, "STORED_MX");
}

static void
pbmx_entry_page(struct req *r, const struct bmx_entry *e,
    const struct pbmx_edit *ed)
{
	static const char *const ekeys[] = { "HOST_ERROR", "POLICY_ERROR",
	    "LIST_ERROR", "FILE_ERROR" };
	struct page_view v;
	struct tpl *t;
	size_t i;

	if (page_begin(r, &v, e->b.idn, "bmx_entry.tpl") == -1) {
		page_error(r, 500, NULL);
		return;
	}
	t = v.content;
	tpl_set(t, "CSRF_FIELD", CSRF_FIELD);
	pbmx_entry_info(t, e);
	tpl_set(t, "HOST", ed->host);
	tpl_show(t, ed->listed ? "LIST" : "ANY");
	if (ed->only_when_down)
		tpl_show(t, "DOWN");
	tpl_set(t, "RECIPIENTS", ed->recipients);
	if (ed->notice != NULL)
		tpl_set(tpl_section(t, "NOTICE"), "NOTICE", ed->notice);
	for (i = 0; i < 4; i++)
		if (ed->errs[i][0] != '\0') {
			tpl_set(tpl_section(t, ekeys[i]), ekeys[i], ed->errs[i]);
			tpl_show(t, "HAS_ERRORS");
		}
	page_finish(r, &v, 200);
}

/* The stored settings, for GET. */
static void
pbmx_entry_get(struct req *r, const struct bmx_entry *e)
{
	struct pbmx_edit ed;
	struct sbuf b;
	char flag[8];
	size_t i;

	memset(&ed, 0, sizeof(ed));
	ed.host = e->b.delivery_host;
	ed.listed = strcmp(e->b.recipient_policy, "list") == 0;
	ed.only_when_down = e->b.only_when_down;
	sbuf_init(&b);
	for (i = 0; i < e->nrcpt; i++) {
		sbuf_puts(&b, e->rcpt[i]);
		sbuf_add(&b, "\n", 1);
	}
	ed.own = sbuf_finish(&b);
	ed.recipients = ed.own != NULL ? ed.own : "";
	if (http_query(r, "created", flag, sizeof(flag)) > 0)
		ed.notice = "BackupMX is on: our relay accepts mail for this "
		    "domain within seconds. Add our MX records to the zone.";
	else if (http_query(r, "saved", flag, sizeof(flag)) > 0)
		ed.notice = "Saved. The relay uses the new settings within a "
		    "few seconds.";
	pbmx_entry_page(r, e, &ed);
	free(ed.own);
}

static int
pbmx_v_policy(const char *in, char *out, size_t outsz, char *err)
{
	if (strcmp(in, "any") != 0 && strcmp(in, "list") != 0) {
		snprintf(err, VALID_ERR_MAX, "choose one of the two");
		return -1;
	}
	util_strlcpy(out, in, outsz);
	return 0;
}

/*
 * The recipient list sent: an uploaded file (a part with a file name and
 * some content) replaces the textarea.  Errors go to the field they
 * came from.  0 or -1.
 */
static int
pbmx_edit_list(const struct form *f, const char *domain, struct pbmx_edit *ed,
    struct bmx_rcpt_list *l)
{
	const struct form_field *ff;
	size_t i = 0;
	int file = 0;

	if ((ff = form_next(f, "recipients_file", &i)) != NULL &&
	    ff->filename != NULL && ff->filename[0] != '\0' && ff->len > 0)
		file = 1;
	else {
		i = 0;
		ff = form_next(f, "recipients", &i);
	}
	if (bmx_rcpt_parse(domain, ff != NULL ? ff->value : "",
	    ff != NULL ? ff->len : 0, l) == 0)
		return 0;
	snprintf(ed->errs[file ? BMX_E_FILE : BMX_E_LIST], BMX_RCPT_ERR_MAX,
	    "%s%s", file ? "In the uploaded file, " : "", l->err);
	if (!file && islower((unsigned char)ed->errs[BMX_E_LIST][0]))
		ed->errs[BMX_E_LIST][0] = (char)toupper(
		    (unsigned char)ed->errs[BMX_E_LIST][0]);
	return -1;
}

/* Check the posted settings into ed and l; the number of errors. */
static int
pbmx_edit_read(const struct form *f, const struct bmx_entry *e,
    struct pbmx_edit *ed, char (*vals)[FORM_VALUE_MAX],
    struct bmx_rcpt_list *l)
{
	static const struct form_key keys[] = {
		{ "delivery_host", 0, form_v_hostport },
		{ "policy", 1, pbmx_v_policy },
		{ "only_when_down", 0, form_v_bool },
	};
	char errs[3][VALID_ERR_MAX];
	int bad;

	bad = form_check(f, keys, 3, vals, errs);
	util_strlcpy(ed->errs[BMX_E_HOST], errs[0], BMX_RCPT_ERR_MAX);
	util_strlcpy(ed->errs[BMX_E_POLICY], errs[1], BMX_RCPT_ERR_MAX);
	ed->host = form_get(f, "delivery_host") != NULL ?
	    form_get(f, "delivery_host") : "";
	ed->listed = strcmp(vals[1], "list") == 0;
	ed->only_when_down = strcmp(vals[2], "1") == 0;
	ed->recipients = form_get(f, "recipients") != NULL ?
	    form_get(f, "recipients") : "";
	bad += pbmx_edit_list(f, e->b.domain, ed, l) == -1;
	return bad;
}

static void
pbmx_entry_post(struct req *r, struct db *db, const struct bmx_entry *e,
    const struct form *f)
{
	char vals[3][FORM_VALUE_MAX], loc[VALID_NAME_MAX + 32];
	struct bmx_rcpt_list l;
	struct pbmx_edit ed;
	struct bmx_ext x;
	struct actor who;
	int rc;

	memset(&ed, 0, sizeof(ed));
	if (pbmx_edit_read(f, e, &ed, vals, &l) > 0) {
		bmx_rcpt_free(&l);
		pbmx_entry_page(r, e, &ed);
		return;
	}
	sess_actor(r, &who);
	x.delivery_host = vals[0];
	x.listed = ed.listed;
	x.only_when_down = ed.only_when_down;
	x.rcpt = &l;
	rc = bmx_update(db, &who, e->b.domain, &x);
	bmx_rcpt_free(&l);
	if (rc == STORE_OK) {
		snprintf(loc, sizeof(loc), "/backupmx/%s?saved=1", e->b.domain);
		http_redirect(r, loc);
	} else if (rc == STORE_INVALID) {
		util_strlcpy(ed.errs[BMX_E_POLICY], db_error(db),
		    BMX_RCPT_ERR_MAX);
		pbmx_entry_page(r, e, &ed);
	} else if (rc == STORE_NOTFOUND)
		page_error(r, 404, NULL);
	else {
		log_event(LOG_ERR, r->id, "backupmx update %s: %s", e->b.domain,
		    db_error(db));
		page_error(r, 500, NULL);
	}
}

/* --- deleting ------------------------------------------------------------ */

static void
pbmx_delete_get(struct req *r, const struct bmx_entry *e)
{
	struct page_view v;

	if (page_begin(r, &v, "Delete BackupMX", "bmx_delete.tpl") == -1) {
		page_error(r, 500, NULL);
		return;
	}
	tpl_set(v.content, "CSRF_FIELD", CSRF_FIELD);
	pbmx_entry_info(v.content, e);
	tpl_show(v.content, e->queued > 0 ? "QUEUED_SOME" : "QUEUED_NONE");
	page_finish(r, &v, 200);
}

static void
pbmx_delete_post(struct req *r, struct db *db, const struct bmx_entry *e)
{
	char loc[VALID_NAME_MAX + 32];
	struct actor who;
	int rc;

	sess_actor(r, &who);
	if ((rc = bmx_del(db, &who, e->b.domain)) == STORE_NOTFOUND) {
		page_error(r, 404, NULL);
		return;
	}
	if (rc != STORE_OK) {
		log_event(LOG_ERR, r->id, "backupmx del %s: %s", e->b.domain,
		    db_error(db));
		page_error(r, 500, NULL);
		return;
	}
	log_event(LOG_INFO, r->id, "backupmx %s deleted by %s", e->b.domain,
	    r->sess.a.name);
	snprintf(loc, sizeof(loc), "/backupmx?deleted=%s", e->b.domain);
	http_redirect(r, loc);
}

/* --- /backupmx/... ------------------------------------------------------- */

/* The domain of "DOMAIN" or "DOMAIN/delete" (*del set); -1 for
 * anything else. */
static int
pbmx_entry_path(const char *arg, char *name, size_t namesz, int *del)
{
	const char *slash = strchr(arg, '/');
	size_t len = slash != NULL ? (size_t)(slash - arg) : strlen(arg);

	*del = slash != NULL;
	if ((slash != NULL && strcmp(slash, "/delete") != 0) || len >= namesz)
		return -1;
	memcpy(name, arg, len);
	name[len] = '\0';
	return 0;
}

/*
 * Everything below /backupmx/.  For a POST the CSRF token is checked
 * before anything is looked up; then an entry that is not the user's
 * is 404, for every verb.
 */
static void
pbmx_entry(struct req *r)
{
	char name[VALID_NAME_MAX * 4];
	struct bmx_entry e;
	struct actor who;
	struct form f;
	struct db *db;
	int del, rc, posted = 0;

	if (sess_require(r) == -1)
		return;
	if (pbmx_entry_path(r->arg, name, sizeof(name), &del) == -1) {
		page_error(r, 404, NULL);
		return;
	}
	if (r->method == HTTP_POST && (posted = sess_post(r, &f) == 0) == 0)
		return;		/* sess_post() answered 400 or 403 */
	if ((db = pbmx_db(r)) == NULL)
		goto out;
	sess_actor(r, &who);
	if ((rc = bmx_get(db, &who, name, &e)) != STORE_OK) {
		if (rc == STORE_ERROR)
			log_event(LOG_ERR, r->id, "backupmx get: %s",
			    db_error(db));
		page_error(r, rc == STORE_ERROR ? 500 : 404, NULL);
		goto out;
	}
	if (del && posted)
		pbmx_delete_post(r, db, &e);
	else if (del)
		pbmx_delete_get(r, &e);
	else if (posted)
		pbmx_entry_post(r, db, &e, &f);
	else
		pbmx_entry_get(r, &e);
	bmx_entry_free(&e);
out:
	if (posted)
		form_free(&f);
}

const struct page_route page_bmx_routes[] = {
	{ "/backupmx",		HTTP_GET,		pbmx_list },
	{ "/backupmx/new",	HTTP_GET | HTTP_POST,	pbmx_new },
	{ "/backupmx/*",	HTTP_GET | HTTP_POST,	pbmx_entry },
	{ NULL, 0, NULL }
};
