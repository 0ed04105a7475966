/*
 * store_qview — the queue dashboards' SQL.  See store_qview.h.
 *
 * Every page costs work in proportion to what it shows: the overview
 * pages BackupMX records by name and reads each shown domain's row of
 * queue_domain (the per-domain sums the schema's triggers keep) and the
 * first entries of its indexes (oldest arrival, first expiry); a domain
 * page reads one page of its messages through (domain, arrival, id) and
 * only then their recipients.  Nothing here scans the whole queue except
 * the all-domain age picture.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_qview.h"
#include "util.h"

const int64_t qview_age_bounds[QVIEW_AGE_BINS - 1] = {
	3600, 6 * 3600, 86400, 3 * 86400, 7 * 86400, 14 * 86400
};
const char *const qview_age_labels[QVIEW_AGE_BINS] = {
	"under 1 hour", "1-6 hours", "6-24 hours", "1-3 days", "3-7 days",
	"7-14 days", "over 14 days"
};

/* Is one domain in the view of actor (?1 admin, ?2 account)?  Two
 * lookups by name: cheap for one domain. */
#define QV_SCOPE_ONE(col) "(?1 = 1 OR EXISTS (SELECT 1 FROM backupmx b " \
	"WHERE b.domain = " col " AND b.owner_id = ?2) OR EXISTS (SELECT 1 " \
	"FROM domain d WHERE d.name = " col " AND d.account_id = ?2))"
/* The domains of the overview: records in scope, by owner if asked; an
 * admin's "queued only" adds domains without a record (bounces). */
#define QV_DOMS_WITH "WITH doms(domain) AS (SELECT b.domain FROM backupmx " \
	"b JOIN account a ON a.id = b.owner_id WHERE (?1 = 1 OR b.owner_id = " \
	"?2) AND (?3 IS NULL OR a.name = ?3) UNION SELECT q.domain FROM " \
	"queue_domain q WHERE ?1 = 1 AND ?3 IS NULL AND ?4 = 1) "
#define QV_DOMS_WHERE "WHERE (?4 = 0 OR EXISTS (SELECT 1 FROM queue_domain " \
	"q WHERE q.domain = doms.domain)) "
#define QV_DOMS_PAGE QV_DOMS_WITH "SELECT domain FROM doms " QV_DOMS_WHERE \
	"ORDER BY domain LIMIT ?5 OFFSET ?6"

/*
 * Without "queued only", the records alone, walked in name order through
 * an index (backupmx_owner_names, or the unique domain index): no sort, no
 * temporary table.  [0] a customer's own, [1] an admin's by owner name,
 * [2] an admin's all.  Parameters as above: every variant names them
 * all (in a constant "IS NOT NULL" term) so that one binding fits all.
 */
#define QV_RECS_OWN "FROM backupmx b WHERE b.owner_id = ?2 AND ?1 + ?4 + " \
	"coalesce(?3, 0) IS NOT NULL"
#define QV_RECS_BY "FROM backupmx b WHERE b.owner_id = (SELECT a.id FROM " \
	"account a WHERE a.name = ?3) AND ?1 + ?2 + ?4 IS NOT NULL"
#define QV_RECS_ALL "FROM backupmx b WHERE ?1 + ?2 + ?4 + coalesce(?3, 0) " \
	"IS NOT NULL"
#define QV_RECS_PAGE(from) "SELECT b.domain AS domain " from " ORDER BY " \
	"b.domain LIMIT ?5 OFFSET ?6"

/*
 * Everything about one domain but its messages, for each row of x
 * (domain): the sums from queue_domain, oldest arrival and first expiry
 * as the first entry of an index each, the record, the primary's state,
 * the counters, the latest "deliver now"; then next (an expression).
 */
#define QV_DOM_SQL(x, next) "SELECT x.domain, b.idn, a.name, b.notify, " \
	"coalesce(q.messages, 0), coalesce(q.bytes, 0), coalesce(q.held, 0), " \
	"(SELECT min(m.arrival) FROM queue_message m WHERE m.domain = " \
	"x.domain), (SELECT min(m.expires) FROM queue_message m WHERE " \
	"m.domain = x.domain), t.delivered, t.bounced, t.last_delivery, " \
	"d.last_probe, d.last_ok, d.next_probe, d.last_result, d.name IS NOT " \
	"NULL, b.id IS NOT NULL, c.requested, c.done, c.requester, " next \
	" FROM (" x ") x " \
	"LEFT JOIN queue_domain q ON q.domain = x.domain " \
	"LEFT JOIN backupmx b ON b.domain = x.domain " \
	"LEFT JOIN account a ON a.id = b.owner_id " \
	"LEFT JOIN destination d ON d.name = x.domain " \
	"LEFT JOIN queue_total t ON t.domain = x.domain " \
	"LEFT JOIN queue_command c ON c.id = (SELECT c2.id FROM " \
	"queue_command c2 WHERE c2.arg = x.domain AND c2.verb = 'flush' " \
	"ORDER BY c2.requested DESC LIMIT 1) ORDER BY x.domain"

/*
 * One domain, ?1; with ?2, the earliest next attempt of its unheld mail:
 * for a small queue, the least over its messages; for a large one, the
 * first of its recipients in the scheduler's (state, next_attempt) index,
 * which a domain holding much of the queue meets early.  The two cost
 * about the same at QV_NEXT_SPLIT messages out of 100,000.
 */
#define QV_NEXT_SPLIT "256"
static const char qv_dom_sql[] = QV_DOM_SQL("SELECT ?1 AS domain",
	"CASE WHEN NOT ?2 THEN NULL WHEN coalesce(q.messages, 0) <= "
	QV_NEXT_SPLIT " THEN (SELECT min(r.next_attempt) FROM queue_message m "
	"JOIN queue_recipient r ON r.message_id = m.id WHERE m.domain = ?1 "
	"AND m.held = 0 AND r.state = 'queued') ELSE (SELECT r.next_attempt "
	"FROM queue_recipient r INDEXED BY queue_recipient_next JOIN "
	"queue_message m ON m.id = r.message_id WHERE r.state = 'queued' AND "
	"m.domain = ?1 AND m.held = 0 ORDER BY r.next_attempt LIMIT 1) END");

/* A page of the overview in one statement, and how many domains in all:
 * [0..2] records as above, [3] "queued only". */
static const char *const qv_over_page[4] = {
	QV_DOM_SQL(QV_RECS_PAGE(QV_RECS_OWN), "0"),
	QV_DOM_SQL(QV_RECS_PAGE(QV_RECS_BY), "0"),
	QV_DOM_SQL(QV_RECS_PAGE(QV_RECS_ALL), "0"),
	QV_DOM_SQL(QV_DOMS_PAGE, "0"),
};
#define QV_KEPT(owner) "SELECT coalesce((SELECT n FROM backupmx_count " \
	"WHERE owner_id = " owner "), 0) WHERE "
static const char *const qv_over_count[4] = {
	/* The records' totals are the ones migration 11's triggers keep. */
	QV_KEPT("?2") "?1 + ?4 + coalesce(?3, 0) IS NOT NULL",
	QV_KEPT("(SELECT a.id FROM account a WHERE a.name = ?3)")
	    "?1 + ?2 + ?4 IS NOT NULL",
	QV_KEPT("0") "?1 + ?2 + ?4 + coalesce(?3, 0) IS NOT NULL",
	QV_DOMS_WITH "SELECT count(*) FROM doms " QV_DOMS_WHERE,
};

static int
qv_over_kind(const struct actor *who, const struct qview_overq *q)
{
	if (q->only_queued)
		return 3;
	return !who->admin ? 0 : q->customer != NULL ? 1 : 2;
}

static int64_t
qv_i64(sqlite3_stmt *st, int col)
{
	return sqlite3_column_int64(st, col);
}

static void
qv_dom_row(sqlite3_stmt *st, struct qview_dom *d)
{
	util_strlcpy(d->domain, db_text(st, 0), sizeof(d->domain));
	util_strlcpy(d->idn, db_text(st, 1), sizeof(d->idn));
	util_strlcpy(d->owner, db_text(st, 2), sizeof(d->owner));
	d->notify = sqlite3_column_int(st, 3);
	d->nmsg = qv_i64(st, 4);
	d->bytes = qv_i64(st, 5);
	d->held = qv_i64(st, 6);
	d->oldest = qv_i64(st, 7);
	d->first_expiry = qv_i64(st, 8);
	d->delivered = qv_i64(st, 9);
	d->bounced = qv_i64(st, 10);
	d->last_delivery = qv_i64(st, 11);
	d->dest.last_probe = qv_i64(st, 12);
	d->dest.last_ok = qv_i64(st, 13);
	d->dest.next_probe = qv_i64(st, 14);
	util_strlcpy(d->dest.last_result, db_text(st, 15),
	    sizeof(d->dest.last_result));
	d->dest.known = sqlite3_column_int(st, 16);
	d->has_record = sqlite3_column_int(st, 17);
	d->flush_requested = qv_i64(st, 18);
	d->flush_done = qv_i64(st, 19);
	util_strlcpy(d->flush_by, db_text(st, 20), sizeof(d->flush_by));
	d->next_attempt = qv_i64(st, 21);
	if (d->idn[0] == '\0')
		util_strlcpy(d->idn, d->domain, sizeof(d->idn));
}

static int
qv_overview_sum(struct db *db, const struct actor *who,
    const struct qview_overq *q, struct qview_sum *sum)
{
	sqlite3_stmt *st;

	memset(sum, 0, sizeof(*sum));
	st = db_prepare(db, qv_over_count[qv_over_kind(who, q)], "iIsi",
	    who->admin, who->account_id, q->customer, q->only_queued);
	if (st == NULL || db_step(db, st) != 1)
		return STORE_ERROR;
	sum->ndom = qv_i64(st, 0);
	db_done(db, st);
	return STORE_OK;
}

int
qview_overview(struct db *db, const struct actor *who, struct qview_overq *q,
    struct qview_dom **list, size_t *n, struct qview_sum *sum)
{
	struct qview_dom *v;
	sqlite3_stmt *st;
	int64_t pages;
	int rc;

	*list = NULL;
	*n = 0;
	if (qv_overview_sum(db, who, q, sum) != STORE_OK)
		return STORE_ERROR;
	pages = (sum->ndom + q->per_page - 1) / q->per_page;
	if (q->page > pages)
		q->page = pages;
	if (q->page < 1)
		q->page = 1;
	if ((v = calloc((size_t)q->per_page, sizeof(*v))) == NULL)
		return STORE_ERROR;
	st = db_prepare(db, qv_over_page[qv_over_kind(who, q)], "iIsiII",
	    who->admin, who->account_id, q->customer, q->only_queued,
	    q->per_page, (q->page - 1) * q->per_page);
	if (st == NULL) {
		free(v);
		return STORE_ERROR;
	}
	while ((rc = db_step(db, st)) == 1 && *n < (size_t)q->per_page)
		qv_dom_row(st, &v[(*n)++]);
	if (rc == 1)
		db_done(db, st);
	if (rc == -1) {
		free(v);
		*n = 0;
		return STORE_ERROR;
	}
	*list = v;
	return STORE_OK;
}

int
qview_domain(struct db *db, const struct actor *who, const char *domain,
    struct qview_dom *d)
{
	sqlite3_stmt *st;
	int rc;

	memset(d, 0, sizeof(*d));
	st = db_prepare(db, "SELECT 1 WHERE " QV_SCOPE_ONE("?3") " AND (EXISTS "
	    "(SELECT 1 FROM backupmx WHERE domain = ?3) OR EXISTS (SELECT 1 "
	    "FROM queue_message WHERE domain = ?3))", "iIs", who->admin,
	    who->account_id, domain);
	if (st == NULL || (rc = db_step(db, st)) == -1)
		return STORE_ERROR;
	if (rc == 0) {
		snprintf(db->err, sizeof(db->err), "no queue for %.200s", domain);
		return STORE_NOTFOUND;
	}
	db_done(db, st);
	st = db_prepare(db, qv_dom_sql, "si", domain, 1);
	if (st == NULL || db_step(db, st) != 1)
		return STORE_ERROR;
	qv_dom_row(st, d);
	db_done(db, st);
	return STORE_OK;
}

/* --- a domain's messages ------------------------------------------------- */

/*
 * A page of a domain's messages: first the page's rows alone, in order,
 * through the domain's index (arrival order straight from it; size from
 * it too when nothing is filtered; sender sorted from the rows); then
 * those rows joined to their recipients, one row per recipient, which
 * qv_msg_read() folds into one message each.  (SQLite grouping them
 * needed two temporary B-trees and cost twice the join.)
 */
#define QV_MSG_WHERE "FROM queue_message m WHERE m.domain = ?1 AND (?2 IS " \
	"NULL OR instr(lower(m.sender), lower(?2)) > 0) AND (?3 IS NULL OR " \
	"EXISTS (SELECT 1 FROM queue_recipient r WHERE r.message_id = m.id " \
	"AND instr(lower(r.address), lower(?3)) > 0)) "
#define QV_MSG_ALL "FROM queue_message m WHERE m.domain = ?1 AND ?2 IS " \
	"NULL AND ?3 IS NULL "
#define QV_MSG_SQL(where, order) "SELECT m.id, m.sender, m.size, " \
	"m.arrival, m.expires, m.held, r.address, r.state, r.attempts, " \
	"r.next_attempt, coalesce(r.last_attempt, 0), r.last_error FROM " \
	"(SELECT m.rowid AS rid " where "ORDER BY " order ", m.id LIMIT ?4 " \
	"OFFSET ?5) p JOIN queue_message m ON m.rowid = p.rid LEFT JOIN " \
	"queue_recipient r ON r.message_id = m.id ORDER BY " order ", m.id, " \
	"r.id"
#define QV_MSG_SORTS(where) { \
	{ QV_MSG_SQL(where, "m.arrival"), \
	    QV_MSG_SQL(where, "m.arrival DESC") }, \
	{ QV_MSG_SQL(where, "m.size"), QV_MSG_SQL(where, "m.size DESC") }, \
	{ QV_MSG_SQL(where, "m.sender"), QV_MSG_SQL(where, "m.sender DESC") } }

/* [filtered][sort][descending] */
static const char *const qv_msg_sql[2][3][2] = {
	QV_MSG_SORTS(QV_MSG_ALL),
	QV_MSG_SORTS(QV_MSG_WHERE),
};

/* The message's own columns, from its first row. */
static void
qv_msg_head(sqlite3_stmt *st, struct qview_msg *m)
{
	memset(m, 0, sizeof(*m));
	util_strlcpy(m->id, db_text(st, 0), sizeof(m->id));
	util_strlcpy(m->sender, db_text(st, 1), sizeof(m->sender));
	m->size = qv_i64(st, 2);
	m->arrival = qv_i64(st, 3);
	m->expires = qv_i64(st, 4);
	m->held = sqlite3_column_int(st, 5);
}

/*
 * Fold one recipient row into m: "address state" lines, the most
 * attempts, the earliest next attempt of a recipient still queued, and
 * the error of the recipient tried last (on a tie, the greater text).
 * *last is the time of the error kept so far.
 */
static void
qv_msg_rcpt(sqlite3_stmt *st, struct qview_msg *m, struct sbuf *rcpts,
    struct sbuf *err, int64_t *last, int *has_err)
{
	const char *state = db_text(st, 7), *e;
	int64_t next = qv_i64(st, 9), at = qv_i64(st, 10);

	if (sqlite3_column_type(st, 6) == SQLITE_NULL)
		return;		/* a message without recipients */
	if (rcpts->len > 0)
		sbuf_add(rcpts, "\n", 1);
	sbuf_puts(rcpts, db_text(st, 6));
	sbuf_add(rcpts, " ", 1);
	sbuf_puts(rcpts, state);
	if (sqlite3_column_int(st, 8) > m->attempts)
		m->attempts = sqlite3_column_int(st, 8);
	if (strcmp(state, "queued") == 0 && (m->next_attempt == 0 ||
	    next < m->next_attempt))
		m->next_attempt = next;
	if (sqlite3_column_type(st, 11) == SQLITE_NULL)
		return;
	e = db_text(st, 11);
	if (!*has_err || at > *last || (at == *last &&
	    strcmp(e, err->buf != NULL ? err->buf : "") > 0)) {
		err->len = 0;
		sbuf_puts(err, e);
		*last = at;
		*has_err = 1;
	}
}

/* Fill v (room for max) from st's rows; -1 on a failed step or memory. */
static int
qv_msg_read(struct db *db, sqlite3_stmt *st, struct qview_msg *v,
    size_t max, size_t *n)
{
	struct sbuf rcpts, err;
	struct qview_msg *m = NULL;
	int64_t last = 0;
	int rc, has_err = 0;

	sbuf_init(&rcpts);
	sbuf_init(&err);
	while ((rc = db_step(db, st)) == 1) {
		if (m == NULL || strcmp(m->id, db_text(st, 0)) != 0) {
			if (m != NULL) {
				m->rcpts = sbuf_finish(&rcpts);
				m->last_error = sbuf_finish(&err);
			}
			if (*n == max) {
				db_done(db, st);
				rc = -1;
				break;
			}
			m = &v[(*n)++];
			qv_msg_head(st, m);
			last = 0;
			has_err = 0;
		}
		qv_msg_rcpt(st, m, &rcpts, &err, &last, &has_err);
	}
	if (m != NULL && m->rcpts == NULL) {
		m->rcpts = sbuf_finish(&rcpts);
		m->last_error = sbuf_finish(&err);
	}
	free(sbuf_finish(&rcpts));
	free(sbuf_finish(&err));
	return rc == -1 ? -1 : 0;
}

static int
qv_msg_count(struct db *db, const struct qview_msgq *q, int64_t *total)
{
	sqlite3_stmt *st;

	/* Without a filter, the count is the domain's summary row. */
	if (q->sender == NULL && q->rcpt == NULL)
		st = db_prepare(db, "SELECT coalesce((SELECT messages FROM "
		    "queue_domain WHERE domain = ?), 0)", "s", q->domain);
	else
		st = db_prepare(db, "SELECT count(*) " QV_MSG_WHERE, "sss",
		    q->domain, q->sender, q->rcpt);
	if (st == NULL || db_step(db, st) != 1)
		return STORE_ERROR;
	*total = qv_i64(st, 0);
	db_done(db, st);
	return STORE_OK;
}

int
qview_messages(struct db *db, struct qview_msgq *q, struct qview_msg **list,
    size_t *n, int64_t *total)
{
	struct qview_msg *v;
	sqlite3_stmt *st;
	int64_t pages;

	*list = NULL;
	*n = 0;
	if (qv_msg_count(db, q, total) != STORE_OK)
		return STORE_ERROR;
	pages = (*total + q->per_page - 1) / q->per_page;
	if (q->page > pages)
		q->page = pages;
	if (q->page < 1)
		q->page = 1;
	if ((v = calloc((size_t)q->per_page, sizeof(*v))) == NULL)
		return STORE_ERROR;
	st = db_prepare(db, qv_msg_sql[q->sender != NULL || q->rcpt != NULL]
	    [q->sort][q->desc != 0], "sssII",
	    q->domain, q->sender, q->rcpt, q->per_page,
	    (q->page - 1) * q->per_page);
	if (st == NULL) {
		free(v);
		return STORE_ERROR;
	}
	if (qv_msg_read(db, st, v, (size_t)q->per_page, n) == -1) {
		qview_messages_free(v, *n);
		*n = 0;
		return STORE_ERROR;
	}
	*list = v;
	return STORE_OK;
}

void
qview_messages_free(struct qview_msg *v, size_t n)
{
	size_t i;

	for (i = 0; v != NULL && i < n; i++) {
		free(v[i].rcpts);
		free(v[i].last_error);
	}
	free(v);
}

/* --- pictures ------------------------------------------------------------ */

/*
 * The pictures of everything an actor sees walk that actor's domains and
 * read each one's range of an index (domain first), instead of testing
 * every row of the queue or the history against the actor's lists.  An
 * admin's queue is every domain with a queue_domain row; an admin's
 * history is the whole table, read by hour.
 */
#define QV_MINE "SELECT q.domain FROM queue_domain q WHERE ?1 = 1 UNION " \
	"SELECT b.domain FROM backupmx b WHERE b.owner_id = ?2 UNION SELECT " \
	"d.name FROM domain d WHERE d.account_id = ?2"

#define QV_AGES(from) "SELECT sum(a < ?5), sum(a >= ?5 AND a < ?6), " \
	"sum(a >= ?6 AND a < ?7), sum(a >= ?7 AND a < ?8), sum(a >= ?8 AND " \
	"a < ?9), sum(a >= ?9 AND a < ?10), sum(a >= ?10) FROM (SELECT ?4 - " \
	"m.arrival AS a FROM " from ")"
static const char qv_ages_dom[] = QV_AGES("queue_message m WHERE m.domain = "
	"?3 AND " QV_SCOPE_ONE("?3"));
static const char qv_ages_all[] = QV_AGES("(" QV_MINE ") x JOIN "
	"queue_message m ON m.domain = x.domain WHERE ?3 IS NULL");

/* History rows (not summed: the sums by hour are made in qview_history,
 * which costs less than SQLite sorting every row by hour first). */
#define QV_HIST(from) "SELECT s.hour, s.queued, s.bytes, s.delivered, " \
	"s.bounced FROM " from
static const char qv_hist_dom[] = QV_HIST("queue_stat s WHERE s.domain = ?3 "
	"AND s.hour >= ?4 AND " QV_SCOPE_ONE("?3"));
static const char qv_hist_mine[] = QV_HIST("(" QV_MINE ") x JOIN queue_stat "
	"s ON s.domain = x.domain AND s.hour >= ?4 WHERE ?3 IS NULL");
static const char qv_hist_admin[] = QV_HIST("queue_stat s NOT INDEXED WHERE "
	"s.hour >= ?4 AND ?1 + ?2 + coalesce(?3, 0) IS NOT NULL");

int
qview_ages(struct db *db, const struct actor *who, const char *domain,
    int64_t now, int64_t bins[QVIEW_AGE_BINS])
{
	sqlite3_stmt *st;
	const int64_t *b = qview_age_bounds;
	int i;

	/* One statement per case, so that a domain's uses its index. */
	st = db_prepare(db, domain != NULL ? qv_ages_dom : qv_ages_all,
	    "iIsIIIIIII", who->admin, who->account_id, domain, now, b[0], b[1],
	    b[2], b[3], b[4], b[5]);
	if (st == NULL || db_step(db, st) != 1)
		return STORE_ERROR;
	for (i = 0; i < QVIEW_AGE_BINS; i++)
		bins[i] = qv_i64(st, i);
	db_done(db, st);
	return STORE_OK;
}

int
qview_history(struct db *db, const struct actor *who, const char *domain,
    int64_t now, struct qview_hour out[QVIEW_HOURS])
{
	sqlite3_stmt *st;
	int64_t first = now - now % 3600 - (QVIEW_HOURS - 1) * 3600, h;
	int rc, i;

	for (i = 0; i < QVIEW_HOURS; i++) {
		memset(&out[i], 0, sizeof(out[i]));
		out[i].hour = first + (int64_t)i * 3600;
	}
	st = db_prepare(db, domain != NULL ? qv_hist_dom : who->admin ?
	    qv_hist_admin : qv_hist_mine, "iIsI",
	    who->admin, who->account_id, domain, first);
	if (st == NULL)
		return STORE_ERROR;
	while ((rc = db_step(db, st)) == 1) {
		h = qv_i64(st, 0);
		if (h < first || (h - first) % 3600 != 0 ||
		    (h - first) / 3600 >= QVIEW_HOURS)
			continue;
		i = (int)((h - first) / 3600);
		out[i].queued += qv_i64(st, 1);
		out[i].bytes += qv_i64(st, 2);
		out[i].delivered += qv_i64(st, 3);
		out[i].bounced += qv_i64(st, 4);
	}
	return rc == 0 ? STORE_OK : STORE_ERROR;
}

/* --- actions ------------------------------------------------------------- */

int
qview_flush(struct db *db, const struct actor *who, const char *domain,
    int64_t min_interval, int64_t *wait)
{
	sqlite3_stmt *st;
	int64_t now = util_now();

	*wait = 0;
	if (db_begin(db) == -1)
		return STORE_ERROR;
	st = db_prepare(db, "SELECT max(requested) FROM queue_command WHERE "
	    "arg = ? AND verb = 'flush' AND requested > ?", "sI", domain,
	    now - min_interval);
	if (st == NULL || db_step(db, st) != 1)
		return store_abort(db, STORE_ERROR);
	if (sqlite3_column_type(st, 0) != SQLITE_NULL)
		*wait = qv_i64(st, 0) + min_interval - now;
	db_done(db, st);
	if (*wait > 0)
		return store_abort(db, store_fail(db, STORE_EXISTS,
		    "delivery was requested moments ago"));
	return queue_command_put(db, who, "flush", domain);
}

int
qview_msg_command(struct db *db, const struct actor *who, const char *domain,
    const char *id, const char *verb)
{
	sqlite3_stmt *st;
	int rc;

	if (strcmp(verb, "delete") != 0 && (!who->admin ||
	    (strcmp(verb, "hold") != 0 && strcmp(verb, "release") != 0)))
		return STORE_NOTFOUND;
	if (db_begin(db) == -1)
		return STORE_ERROR;
	st = db_prepare(db, "SELECT 1 FROM queue_message WHERE id = ? AND "
	    "domain = ?", "ss", id, domain);
	if (st == NULL || (rc = db_step(db, st)) == -1)
		return store_abort(db, STORE_ERROR);
	if (rc == 0)
		return store_abort(db, store_fail(db, STORE_NOTFOUND,
		    "no queued message %.40s", id));
	db_done(db, st);
	return queue_command_put(db, who, verb, id);
}

int
qview_msg_pending(struct db *db, const char *id, char verb[16])
{
	sqlite3_stmt *st;
	int rc;

	verb[0] = '\0';
	st = db_prepare(db, "SELECT verb FROM queue_command WHERE arg = ? AND "
	    "done IS NULL ORDER BY id DESC LIMIT 1", "s", id);
	if (st == NULL || (rc = db_step(db, st)) == -1)
		return STORE_ERROR;
	if (rc == 1) {
		util_strlcpy(verb, db_text(st, 0), 16);
		db_done(db, st);
	}
	return STORE_OK;
}

int
qview_set_notify(struct db *db, const struct actor *who, const char *domain,
    int on)
{
	sqlite3_stmt *st;

	if (db_begin(db) == -1)
		return STORE_ERROR;
	st = db_prepare(db, "UPDATE backupmx SET notify = ?, updated = ?, "
	    "updater_id = nullif(?, 0) WHERE domain = ? AND (? = 1 OR "
	    "owner_id = ?)", "iIIsiI", on, util_now(), who->account_id, domain,
	    who->admin, who->account_id);
	if (st == NULL || db_run(db, st, NULL) == -1)
		return store_abort(db, STORE_ERROR);
	if (sqlite3_changes(db->h) == 0)
		return store_abort(db, store_fail(db, STORE_NOTFOUND,
		    "no BackupMX entry %.200s", domain));
	return store_finish(db, who, "backupmx.notify", domain,
	    on ? "on" : "off");
}

/* --- /metrics ------------------------------------------------------------ */

static const char *const qv_metric_sql[] = {
	[QVIEW_M_QUEUE] = "SELECT q.domain, q.messages, q.bytes, (SELECT "
	    "min(m.arrival) FROM queue_message m WHERE m.domain = q.domain) "
	    "FROM queue_domain q ORDER BY q.domain",
	[QVIEW_M_TOTAL] = "SELECT domain, delivered, bounced, "
	    "coalesce(last_delivery, 0) FROM queue_total ORDER BY domain",
	[QVIEW_M_DEST] = "SELECT name, coalesce(last_probe, 0), "
	    "coalesce(last_ok, 0), coalesce(next_probe, 0) FROM destination "
	    "ORDER BY name",
};

int
qview_metrics(struct db *db, enum qview_metric kind,
    int (*fn)(void *, const char *, const int64_t *), void *arg)
{
	sqlite3_stmt *st;
	int64_t v[3];
	int rc;

	st = db_prepare(db, qv_metric_sql[kind], "");
	if (st == NULL)
		return STORE_ERROR;
	while ((rc = db_step(db, st)) == 1) {
		v[0] = qv_i64(st, 1);
		v[1] = qv_i64(st, 2);
		v[2] = qv_i64(st, 3);
		if (fn(arg, db_text(st, 0), v) == -1) {
			db_done(db, st);
			return STORE_ERROR;
		}
	}
	return rc == 0 ? STORE_OK : STORE_ERROR;
}

/* --- headers from the spool ---------------------------------------------- */

static int
qv_valid_id(const char *id)
{
	size_t i;

	for (i = 0; id[i] != '\0'; i++)
		if (!((id[i] >= '0' && id[i] <= '9') ||
		    (id[i] >= 'A' && id[i] <= 'V')))
			return 0;
	return i == 16;
}

char *
qview_headers(const char *spool_dir, const char *id, size_t max)
{
	char path[4200], line[1024];
	struct sbuf sb;
	size_t len;
	int at_start = 1;
	FILE *fp;

	if (!qv_valid_id(id) || (size_t)snprintf(path, sizeof(path),
	    "%s/queue/%s", spool_dir, id) >= sizeof(path) ||
	    (fp = fopen(path, "r")) == NULL)
		return NULL;
	sbuf_init(&sb);
	sbuf_puts(&sb, "");
	while (sb.len < max && fgets(line, sizeof(line), fp) != NULL) {
		len = strcspn(line, "\r\n");
		/* the empty line (not the end of a long line): the body */
		if (len == 0 && at_start && (line[0] == '\r' ||
		    line[0] == '\n'))
			break;
		sbuf_add(&sb, line, len);
		at_start = line[len] != '\0';	/* a line end, not a cut */
		if (at_start)
			sbuf_add(&sb, "\n", 1);
	}
	fclose(fp);
	return sbuf_finish(&sb);
}
