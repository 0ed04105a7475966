/*
 * page_queue — the queue overview, a domain's queue page, "deliver now"
 * and the notification switch; routes for everything below /queue.
 * See page_queue.h for the routes and the rules they follow.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csrf.h"
#include "log.h"
#include "page_queue.h"
#include "sess.h"
#include "worker.h"

#define PQ_PER_PAGE	25
#define PQ_MSG_PER_PAGE	25

/* --- helpers shared by the queue pages ----------------------------------- */

struct db *
pq_db(struct req *r)
{
	struct db *db = worker_db(r->worker);

	if (db == NULL)
		page_error(r, 503, NULL);
	return db;
}

/* Which forms of a time a template shows (each one costs a value). */
enum { PQ_T_PLAIN = 1, PQ_T_ISO = 2, PQ_T_REL = 4 };

/* key with suffix (in k): "NEXT" "_REL" -> "NEXT_REL", without snprintf,
 * which cost more than the rest of a time's formatting. */
static const char *
pq_key(char *k, size_t ksz, const char *key, const char *suffix)
{
	size_t n = util_strlcpy(k, key, ksz);

	if (n < ksz)
		util_strlcpy(k + n, suffix, ksz - n);
	return k;
}

/* KEY ("YYYY-MM-DD HH:MM") and KEY_ISO, as far as parts asks. */
static void
pq_set_parts(struct tpl *d, const char *key, int64_t t, int parts)
{
	char buf[32], iso[32], k[64];

	util_iso8601(t, iso, sizeof(iso));
	if (parts & PQ_T_PLAIN) {
		util_strlcpy(buf, iso, sizeof(buf));
		if (buf[10] == 'T') {	/* "2026-11-29 02:12" */
			buf[10] = ' ';
			buf[16] = '\0';
		}
		tpl_set(d, key, buf);
	}
	if (parts & PQ_T_ISO)
		tpl_set(d, pq_key(k, sizeof(k), key, "_ISO"), iso);
}

void
pq_set_time(struct tpl *d, const char *key, int64_t t)
{
	pq_set_parts(d, key, t, PQ_T_PLAIN | PQ_T_ISO);
}

/*
 * Numbers into text by hand: the overview formats a size and two or three
 * durations per domain, and snprintf (with its float path for "1.2 MB")
 * was a tenth of the page's CPU.  pq_put appends to buf while there is
 * room and always leaves it terminated.
 */
struct pq_out {
	char	*p, *end;	/* end: the last byte, kept for the NUL */
};

static void
pq_put(struct pq_out *o, const char *s)
{
	while (*s != '\0' && o->p < o->end)
		*o->p++ = *s++;
	*o->p = '\0';
}

static void
pq_put_num(struct pq_out *o, int64_t v)
{
	char digits[24], *d = digits + sizeof(digits);

	*--d = '\0';
	do
		*--d = (char)('0' + v % 10);
	while ((v /= 10) > 0);
	pq_put(o, d);
}

void
pq_duration(int64_t s, char *buf, size_t bufsz)
{
	struct pq_out o = { buf, buf + bufsz - 1 };

	if (s < 0)
		s = 0;
	if (s >= 86400) {
		pq_put_num(&o, s / 86400);
		pq_put(&o, " d ");
		pq_put_num(&o, s % 86400 / 3600);
		pq_put(&o, " h");
	} else if (s >= 3600) {
		pq_put_num(&o, s / 3600);
		pq_put(&o, " h ");
		pq_put_num(&o, s % 3600 / 60);
		pq_put(&o, " min");
	} else if (s >= 60) {
		pq_put_num(&o, s / 60);
		pq_put(&o, " min");
	} else {
		pq_put_num(&o, s);
		pq_put(&o, " s");
	}
}

/* "812 bytes", "3.5 kB", "1.2 MB": tenths rounded half up. */
void
pq_bytes(int64_t n, char *buf, size_t bufsz)
{
	struct pq_out o = { buf, buf + bufsz - 1 };
	int64_t unit = n >= 999950 ? 1000000 : n >= 1000 ? 1000 : 1, tenths;

	if (n < 0)
		n = 0;
	if (unit == 1) {
		pq_put_num(&o, n);
		pq_put(&o, " bytes");
		return;
	}
	tenths = (n * 10 + unit / 2) / unit;
	pq_put_num(&o, tenths / 10);
	pq_put(&o, ".");
	pq_put_num(&o, tenths % 10);
	pq_put(&o, unit == 1000 ? " kB" : " MB");
}

/* A time with its distance from now: KEY, KEY_ISO, KEY_REL as far as
 * parts asks (the overview and a message row show fewer than a header). */
static void
pq_set_when(struct tpl *d, const char *key, int64_t t, int64_t now, int parts)
{
	char rel[48], dur[32], k[64];

	pq_set_parts(d, key, t, parts);
	if (!(parts & PQ_T_REL))
		return;
	pq_duration(t > now ? t - now : now - t, dur, sizeof(dur));
	if (t > now)
		pq_key(rel, sizeof(rel), "in ", dur);
	else
		pq_key(rel, sizeof(rel), dur, " ago");
	tpl_set(d, pq_key(k, sizeof(k), key, "_REL"), rel);
}

/* --- one domain's state, as the overview and the domain page show it ---- */

static void
pq_primary(struct tpl *t, const struct qview_dom *x, int64_t now, int parts)
{
	struct tpl *s;

	if (!x->dest.known || x->dest.last_probe == 0) {
		tpl_show(t, "PRIMARY_UNKNOWN");
		return;
	}
	if (x->dest.last_ok >= x->dest.last_probe) {
		s = tpl_section(t, "PRIMARY_UP");
		pq_set_when(s, "PROBED", x->dest.last_probe, now, parts);
		return;
	}
	s = tpl_section(t, "PRIMARY_DOWN");
	pq_set_when(s, "PROBED", x->dest.last_probe, now, parts);
	tpl_set(s, "RESULT", x->dest.last_result);
	if (x->dest.next_probe > 0)
		pq_set_when(tpl_section(s, "NEXT"), "NEXT", x->dest.next_probe,
		    now, parts);
}

/* parts: the forms of its times (the overview has no plain ones). */
static void
pq_dom_state(struct tpl *t, const struct qview_dom *x, int64_t now, int parts)
{
	char buf[48];

	tpl_set(t, "DOMAIN", x->domain);
	tpl_set(t, "IDN", x->idn);
	if (strcmp(x->domain, x->idn) != 0)
		tpl_show(t, "ALABEL");
	tpl_set_int(t, "NMSG", x->nmsg);
	pq_bytes(x->bytes, buf, sizeof(buf));
	tpl_set(t, "SIZE", buf);
	if (x->nmsg > 0) {
		pq_duration(now - x->oldest, buf, sizeof(buf));
		tpl_set(tpl_section(t, "OLDEST"), "OLDEST_AGE", buf);
		pq_duration(x->first_expiry - now, buf, sizeof(buf));
		tpl_set(tpl_section(t, "EXPIRY"), "EXPIRY_IN", buf);
	} else
		tpl_show(t, "EMPTY");
	if (x->held > 0)
		tpl_set_int(tpl_section(t, "HELD"), "HELD", x->held);
	pq_primary(t, x, now, parts);
	if (x->last_delivery > 0)
		pq_set_when(tpl_section(t, "DELIVERED"), "LAST", x->last_delivery,
		    now, parts);
	else
		tpl_show(t, "NEVER");
}

/* --- the overview -------------------------------------------------------- */

struct pq_overq {
	char	customer[ACCOUNT_NAME_MAX];
	char	err[VALID_ERR_MAX];
	int	only_queued;
	int64_t	page;
};

static void
pq_overq_read(const struct req *r, int admin, struct pq_overq *q)
{
	char v[FORM_VALUE_MAX];

	memset(q, 0, sizeof(*q));
	q->page = 1;
	if (http_query(r, "page", v, sizeof(v)) > 0 &&
	    form_v_int(v, v, sizeof(v), q->err) == 0 && v[0] != '\0')
		q->page = strtoll(v, NULL, 10);
	q->err[0] = '\0';
	q->only_queued = http_query(r, "queued", v, sizeof(v)) > 0 &&
	    strcmp(v, "1") == 0;
	if (admin && http_query(r, "customer", v, sizeof(v)) > 0 &&
	    v[0] != '\0') {
		if (account_valid_name(v, q->err) == 0)
			util_strlcpy(q->customer, v, sizeof(q->customer));
		else
			util_strlcpy(q->customer, "", sizeof(q->customer));
	}
}

static void
pq_over_href(struct tpl *d, const struct pq_overq *q, int64_t page)
{
	struct sbuf b;
	char sep = '?';
	char *s;

	sbuf_init(&b);
	sbuf_puts(&b, "/queue");
	if (q->customer[0] != '\0') {
		sbuf_puts(&b, "?customer=");
		sbuf_url_arg(&b, q->customer);
		sep = '&';
	}
	if (q->only_queued) {
		sbuf_printf(&b, "%cqueued=1", sep);
		sep = '&';
	}
	if (page > 1)
		sbuf_printf(&b, "%cpage=%lld", sep, (long long)page);
	s = sbuf_finish(&b);
	tpl_set(d, "HREF", s);
	free(s);
}

static void
pq_over_pager(struct tpl *t, const struct pq_overq *q, int64_t pages)
{
	struct tpl *p;

	if (pages <= 1)
		return;
	p = tpl_section(t, "PAGER");
	tpl_set_int(p, "PAGE", q->page);
	tpl_set_int(p, "PAGES", pages);
	if (q->page > 1)
		pq_over_href(tpl_section(p, "PREV"), q, q->page - 1);
	if (q->page < pages)
		pq_over_href(tpl_section(p, "NEXT"), q, q->page + 1);
}

/* "3 domains." or "Domains 26–50 of 1000." */
static void
pq_over_summary(struct tpl *t, const struct pq_overq *q,
    const struct qview_sum *s, size_t n)
{
	int64_t from = (q->page - 1) * PQ_PER_PAGE + 1;
	char buf[160];

	if (s->ndom <= PQ_PER_PAGE)
		snprintf(buf, sizeof(buf), "%lld domain%s.", (long long)s->ndom,
		    s->ndom == 1 ? "" : "s");
	else
		snprintf(buf, sizeof(buf), "Domains %lld–%lld of %lld.",
		    (long long)from, (long long)(from + (int64_t)n - 1),
		    (long long)s->ndom);
	tpl_set(t, "SUMMARY", buf);
}

static void
pq_over_render(struct req *r, const struct pq_overq *q,
    const struct qview_dom *v, size_t n, const struct qview_sum *sum,
    int admin)
{
	struct page_view pv;
	struct tpl *t, *table, *row, *f;
	int64_t now = util_now();
	size_t i;

	if (page_begin(r, &pv, "Queue", "queue_list.tpl") == -1) {
		page_error(r, 500, NULL);
		return;
	}
	t = pv.content;
	if (admin) {
		f = tpl_section(t, "ADMIN_FILTER");
		tpl_set(f, "CUSTOMER", q->customer);
		if (q->err[0] != '\0')
			tpl_set(tpl_section(f, "CUSTOMER_ERROR"), "CUSTOMER_ERROR",
			    q->err);
	} else
		tpl_show(t, "CUSTOMER_FILTER");
	if (q->only_queued)
		tpl_show(t, "QUEUED_ONLY");
	pq_over_summary(t, q, sum, n);
	if (n > 0) {
		table = tpl_section(t, "TABLE");
		if (admin)
			tpl_show(table, "OWNER_HEAD");
		for (i = 0; i < n; i++) {
			row = tpl_section(table, "ROW");
			pq_dom_state(row, &v[i], now, PQ_T_ISO | PQ_T_REL);
			if (admin)
				tpl_set(tpl_section(row, "OWNER_COL"), "OWNER",
				    v[i].owner[0] ? v[i].owner : "—");
		}
	} else
		tpl_show(t, "NONE");
	pq_over_pager(t, q, (sum->ndom + PQ_PER_PAGE - 1) / PQ_PER_PAGE);
	page_finish(r, &pv, 200);
}

static void
pq_overview(struct req *r)
{
	struct qview_overq oq;
	struct qview_sum sum;
	struct qview_dom *v;
	struct pq_overq q;
	struct actor who;
	struct db *db;
	size_t n;

	if (sess_require(r) == -1 || (db = pq_db(r)) == NULL)
		return;
	sess_actor(r, &who);
	pq_overq_read(r, who.admin, &q);
	oq.customer = q.customer[0] ? q.customer : NULL;
	oq.only_queued = q.only_queued;
	oq.page = q.page;
	oq.per_page = PQ_PER_PAGE;
	if (qview_overview(db, &who, &oq, &v, &n, &sum) != STORE_OK) {
		log_event(LOG_ERR, r->id, "queue overview: %s", db_error(db));
		page_error(r, 500, NULL);
		return;
	}
	q.page = oq.page;
	pq_over_render(r, &q, v, n, &sum, who.admin);
	free(v);
}

/* --- a domain's page ----------------------------------------------------- */

static const char *const pq_sort_names[] = { "arrival", "size", "sender" };

struct pq_msgq {
	char		sender[FORM_VALUE_MAX];
	char		rcpt[FORM_VALUE_MAX];
	enum qview_sort	sort;
	int		desc;
	int64_t		page;
};

static void
pq_msgq_read(const struct req *r, struct pq_msgq *q)
{
	char v[FORM_VALUE_MAX], err[VALID_ERR_MAX];
	size_t i;

	memset(q, 0, sizeof(*q));
	q->page = 1;
	(void)http_query(r, "sender", q->sender, 200);
	(void)http_query(r, "rcpt", q->rcpt, 200);
	if (http_query(r, "sort", v, sizeof(v)) > 0)
		for (i = 0; i < 3; i++)
			if (strcmp(v, pq_sort_names[i]) == 0)
				q->sort = (enum qview_sort)i;
	q->desc = http_query(r, "dir", v, sizeof(v)) > 0 &&
	    strcmp(v, "desc") == 0;
	if (http_query(r, "page", v, sizeof(v)) > 0 &&
	    form_v_int(v, v, sizeof(v), err) == 0 && v[0] != '\0')
		q->page = strtoll(v, NULL, 10);
}

/* "/queue/D?sender=..&rcpt=..&sort=..&dir=..&page=N", defaults left out. */
static void
pq_msg_href(struct tpl *d, const char *domain, const struct pq_msgq *q,
    int sort, int desc, int64_t page)
{
	struct sbuf b;
	char sep = '?';
	char *s;

	sbuf_init(&b);
	sbuf_printf(&b, "/queue/%s", domain);
	if (q->sender[0] != '\0') {
		sbuf_puts(&b, "?sender=");
		sbuf_url_arg(&b, q->sender);
		sep = '&';
	}
	if (q->rcpt[0] != '\0') {
		sbuf_printf(&b, "%crcpt=", sep);
		sbuf_url_arg(&b, q->rcpt);
		sep = '&';
	}
	if (sort != QVIEW_SORT_ARRIVAL || desc) {
		sbuf_printf(&b, "%csort=%s&dir=%s", sep, pq_sort_names[sort],
		    desc ? "desc" : "asc");
		sep = '&';
	}
	if (page > 1)
		sbuf_printf(&b, "%cpage=%lld", sep, (long long)page);
	s = sbuf_finish(&b);
	tpl_set(d, "HREF", s);
	free(s);
}

static void
pq_msg_heads(struct tpl *t, const char *domain, const struct pq_msgq *q)
{
	static const char *const labels[] = { "Arrival", "Size", "Sender" };
	static const char *const keys[] = { "H_ARRIVAL", "H_SIZE", "H_SENDER" };
	struct tpl *h;
	int i, cur;

	for (i = 0; i < 3; i++) {
		cur = (int)q->sort == i;
		h = tpl_section(t, keys[i]);
		tpl_set(h, "LABEL", labels[i]);
		pq_msg_href(h, domain, q, i, cur && !q->desc, 1);
		if (cur) {
			tpl_set(tpl_section(h, "ARIA"), "SORTDIR", q->desc ?
			    "descending" : "ascending");
			tpl_set(tpl_section(h, "ARROW"), "ARROW_CHAR", q->desc ?
			    "▼" : "▲");
		}
	}
}

/* "a@x queued\nb@x sent" as a list with a state per recipient. */
static void
pq_rcpt_list(struct tpl *row, const char *rcpts)
{
	char line[VALID_ADDR_MAX + 32], *sp;
	const char *p = rcpts, *nl;
	struct tpl *it;
	size_t len;

	while (*p != '\0') {
		nl = strchr(p, '\n');
		len = nl != NULL ? (size_t)(nl - p) : strlen(p);
		if (len >= sizeof(line))
			len = sizeof(line) - 1;
		memcpy(line, p, len);
		line[len] = '\0';
		if ((sp = strrchr(line, ' ')) != NULL) {
			*sp++ = '\0';
			it = tpl_section(row, "RCPT");
			tpl_set(it, "ADDRESS", line);
			tpl_set(it, "STATE", sp);
		}
		p = nl != NULL ? nl + 1 : p + len;
	}
}

static void
pq_msg_row(struct tpl *table, const char *domain, const struct qview_msg *m,
    int64_t now)
{
	struct tpl *row = tpl_section(table, "MSG");
	char buf[48];

	tpl_set(row, "DOMAIN", domain);
	tpl_set(row, "ID", m->id);
	pq_set_when(row, "ARRIVAL", m->arrival, now, PQ_T_PLAIN | PQ_T_ISO);
	pq_bytes(m->size, buf, sizeof(buf));
	tpl_set(row, "SIZE", buf);
	tpl_set(row, "SENDER", m->sender[0] ? m->sender : "<> (null sender)");
	pq_rcpt_list(row, m->rcpts);
	tpl_set_int(row, "ATTEMPTS", m->attempts);
	/* ERROR and NEXT are shown and read the row's values: a shown
	 * section costs ctemplate far less than a new section row. */
	if (m->last_error[0] != '\0') {
		tpl_show(row, "ERROR");
		tpl_set(row, "ERROR", m->last_error);
	} else
		tpl_show(row, "NO_ERROR");
	if (m->held)
		tpl_show(row, "HELD");
	else if (m->next_attempt > 0) {
		tpl_show(row, "NEXT");
		pq_set_when(row, "NEXT", m->next_attempt, now,
		    PQ_T_ISO | PQ_T_REL);
	}
	pq_set_when(row, "EXPIRES", m->expires, now, PQ_T_ISO | PQ_T_REL);
}

/* Notices after an action (?flushed=1, ?wait=N, ?deleted=ID, ...). */
static void
pq_dom_notice(const struct req *r, struct tpl *t)
{
	char v[64], msg[160];

	msg[0] = '\0';
	if (http_query(r, "flushed", v, sizeof(v)) > 0)
		snprintf(msg, sizeof(msg), "Delivery requested: the relay "
		    "starts within a second. Reload this page to follow it.");
	else if (http_query(r, "wait", v, sizeof(v)) > 0)
		snprintf(msg, sizeof(msg), "Delivery was requested moments ago; "
		    "you can ask again in %d s.", atoi(v) > 0 && atoi(v) <=
		    PQ_FLUSH_INTERVAL ? atoi(v) : PQ_FLUSH_INTERVAL);
	else if (http_query(r, "deleted", v, sizeof(v)) > 0)
		snprintf(msg, sizeof(msg), "Deletion requested: the relay "
		    "removes the message within a second.");
	else if (http_query(r, "notify", v, sizeof(v)) > 0)
		snprintf(msg, sizeof(msg), "Saved: e-mail notices are %s.",
		    strcmp(v, "on") == 0 ? "on" : "off");
	if (msg[0] != '\0')
		tpl_set(tpl_section(t, "NOTICE"), "NOTICE", msg);
}

static void
pq_dom_flush_state(struct tpl *t, const struct qview_dom *x, int64_t now)
{
	struct tpl *f;

	if (x->flush_requested == 0)
		return;
	f = tpl_section(t, "FLUSH");
	pq_set_when(f, "REQUESTED", x->flush_requested, now,
	    PQ_T_ISO | PQ_T_REL);
	tpl_set(f, "BY", x->flush_by);
	if (x->flush_done > 0)
		pq_set_when(tpl_section(f, "STARTED"), "DONE", x->flush_done,
		    now, PQ_T_ISO | PQ_T_REL);
	else
		tpl_show(f, "WAITING");
}

static void
pq_msg_pager(struct tpl *t, const char *domain, const struct pq_msgq *q,
    int64_t pages)
{
	struct tpl *p;

	if (pages <= 1)
		return;
	p = tpl_section(t, "PAGER");
	tpl_set_int(p, "PAGE", q->page);
	tpl_set_int(p, "PAGES", pages);
	if (q->page > 1)
		pq_msg_href(tpl_section(p, "PREV"), domain, q, q->sort, q->desc,
		    q->page - 1);
	if (q->page < pages)
		pq_msg_href(tpl_section(p, "NEXT"), domain, q, q->sort, q->desc,
		    q->page + 1);
}

static void
pq_dom_render(struct req *r, const struct qview_dom *x, const struct pq_msgq *q,
    const struct qview_msg *m, size_t n, int64_t total)
{
	struct page_view pv;
	struct tpl *t, *table;
	int64_t now = util_now();
	char title[VALID_NAME_MAX * 4 + 16];
	size_t i;

	snprintf(title, sizeof(title), "Queue for %s", x->idn);
	if (page_begin(r, &pv, title, "queue_domain.tpl") == -1) {
		page_error(r, 500, NULL);
		return;
	}
	t = pv.content;
	tpl_set(t, "CSRF_FIELD", CSRF_FIELD);
	pq_dom_state(t, x, now, PQ_T_PLAIN | PQ_T_ISO | PQ_T_REL);
	tpl_set_int(t, "DELIVERED_N", x->delivered);
	tpl_set_int(t, "BOUNCED_N", x->bounced);
	if (x->next_attempt > 0)
		pq_set_when(tpl_section(t, "NEXT_ATTEMPT"), "NEXT",
		    x->next_attempt, now, PQ_T_PLAIN | PQ_T_ISO | PQ_T_REL);
	else
		tpl_show(t, "NO_NEXT");
	pq_dom_flush_state(t, x, now);
	pq_dom_notice(r, t);
	if (x->has_record)
		tpl_show(tpl_section(t, "NOTIFY_FORM"), x->notify ? "NOTIFY_ON" :
		    "NOTIFY_OFF");
	tpl_set(t, "F_SENDER", q->sender);
	tpl_set(t, "F_RCPT", q->rcpt);
	tpl_set(t, "F_SORT", pq_sort_names[q->sort]);
	tpl_set(t, "F_DIR", q->desc ? "desc" : "asc");
	tpl_set_int(t, "TOTAL", total);
	if (n > 0) {
		table = tpl_section(t, "TABLE");
		pq_msg_heads(table, x->domain, q);
		for (i = 0; i < n; i++)
			pq_msg_row(table, x->domain, &m[i], now);
	} else
		tpl_show(t, q->sender[0] || q->rcpt[0] ? "NO_MATCH" : "NO_MSG");
	pq_msg_pager(t, x->domain, q, (total + PQ_MSG_PER_PAGE - 1) /
	    PQ_MSG_PER_PAGE);
	page_finish(r, &pv, 200);
}

static void
pq_dom_get(struct req *r, struct db *db, const struct qview_dom *x)
{
	struct qview_msgq mq;
	struct qview_msg *m;
	struct pq_msgq q;
	int64_t total;
	size_t n;

	pq_msgq_read(r, &q);
	mq.domain = x->domain;
	mq.sender = q.sender[0] ? q.sender : NULL;
	mq.rcpt = q.rcpt[0] ? q.rcpt : NULL;
	mq.sort = q.sort;
	mq.desc = q.desc;
	mq.page = q.page;
	mq.per_page = PQ_MSG_PER_PAGE;
	if (qview_messages(db, &mq, &m, &n, &total) != STORE_OK) {
		log_event(LOG_ERR, r->id, "queue %s: %s", x->domain,
		    db_error(db));
		page_error(r, 500, NULL);
		return;
	}
	q.page = mq.page;
	pq_dom_render(r, x, &q, m, n, total);
	qview_messages_free(m, n);
}

static void
pq_flush(struct req *r, struct db *db, const struct qview_dom *x)
{
	char loc[VALID_NAME_MAX + 48];
	struct actor who;
	int64_t wait;
	int rc;

	sess_actor(r, &who);
	rc = qview_flush(db, &who, x->domain, PQ_FLUSH_INTERVAL, &wait);
	if (rc == STORE_OK) {
		log_event(LOG_INFO, r->id, "queue flush %s by %s", x->domain,
		    who.name);
		snprintf(loc, sizeof(loc), "/queue/%s?flushed=1", x->domain);
	} else if (rc == STORE_EXISTS)
		snprintf(loc, sizeof(loc), "/queue/%s?wait=%lld", x->domain,
		    (long long)wait);
	else {
		log_event(LOG_ERR, r->id, "queue flush %s: %s", x->domain,
		    db_error(db));
		page_error(r, 500, NULL);
		return;
	}
	http_redirect(r, loc);
}

static void
pq_notify(struct req *r, struct db *db, const struct qview_dom *x,
    const struct form *f)
{
	char loc[VALID_NAME_MAX + 48];
	const char *v = form_get(f, "notify");
	struct actor who;
	int on = v != NULL && strcmp(v, "1") == 0, rc;

	sess_actor(r, &who);
	rc = qview_set_notify(db, &who, x->domain, on);
	if (rc == STORE_NOTFOUND) {
		page_error(r, 404, NULL);
		return;
	}
	if (rc != STORE_OK) {
		log_event(LOG_ERR, r->id, "queue notify %s: %s", x->domain,
		    db_error(db));
		page_error(r, 500, NULL);
		return;
	}
	snprintf(loc, sizeof(loc), "/queue/%s?notify=%s", x->domain,
	    on ? "on" : "off");
	http_redirect(r, loc);
}

/* --- /queue/... ---------------------------------------------------------- */

struct pq_path {
	char	domain[VALID_NAME_MAX * 4];
	char	rest[64];	/* "", "flush", "notify", "chart.svg", ID */
	char	verb[16];	/* after an ID: "", delete, hold, release */
};

/* Cut "DOMAIN[/REST[/VERB]]"; -1 for anything longer or odd. */
static int
pq_path_split(const char *arg, struct pq_path *p)
{
	const char *s1 = strchr(arg, '/'), *s2;
	size_t len = s1 != NULL ? (size_t)(s1 - arg) : strlen(arg);

	memset(p, 0, sizeof(*p));
	if (len == 0 || len >= sizeof(p->domain))
		return -1;
	memcpy(p->domain, arg, len);
	if (s1 == NULL)
		return 0;
	s2 = strchr(s1 + 1, '/');
	len = s2 != NULL ? (size_t)(s2 - s1 - 1) : strlen(s1 + 1);
	if (len == 0 || len >= sizeof(p->rest))
		return -1;
	memcpy(p->rest, s1 + 1, len);
	if (s2 == NULL)
		return 0;
	if (strlen(s2 + 1) == 0 || strlen(s2 + 1) >= sizeof(p->verb) ||
	    strchr(s2 + 1, '/') != NULL)
		return -1;
	util_strlcpy(p->verb, s2 + 1, sizeof(p->verb));
	return 0;
}

/* What a path names once the domain is known to be the user's. */
static void
pq_route(struct req *r, struct db *db, const struct qview_dom *x,
    const struct pq_path *p, const struct form *f)
{
	int post = f != NULL;

	if (p->rest[0] == '\0' && !post)
		pq_dom_get(r, db, x);
	else if (strcmp(p->rest, "flush") == 0 && post && !p->verb[0])
		pq_flush(r, db, x);
	else if (strcmp(p->rest, "notify") == 0 && post && !p->verb[0] &&
	    x->has_record)
		pq_notify(r, db, x, f);
	else if (strcmp(p->rest, "chart.svg") == 0 && !post && !p->verb[0])
		pq_svg_chart(r, x->domain);
	else if (strcmp(p->rest, "ages.svg") == 0 && !post && !p->verb[0])
		pq_svg_ages(r, x->domain);
	else if (p->rest[0] != '\0' && strchr(p->rest, '.') == NULL)
		pq_message(r, x, p->rest, p->verb, f);
	else
		page_error(r, 404, NULL);
}

static void
pq_sub(struct req *r)
{
	char alabel[VALID_NAME_MAX], ulabel[VALID_NAME_MAX * 4];
	struct qview_dom x;
	struct pq_path p;
	struct actor who;
	struct form f;
	struct db *db;
	int rc, posted = 0;

	if (sess_require(r) == -1)
		return;
	if (r->method != HTTP_POST && (strcmp(r->arg, "chart.svg") == 0 ||
	    strcmp(r->arg, "ages.svg") == 0)) {
		if (r->arg[0] == 'c')
			pq_svg_chart(r, NULL);
		else
			pq_svg_ages(r, NULL);
		return;
	}
	if (pq_path_split(r->arg, &p) == -1 ||
	    valid_domain(p.domain, alabel, ulabel, NULL) == -1) {
		page_error(r, 404, NULL);
		return;
	}
	if (r->method == HTTP_POST && (posted = sess_post(r, &f) == 0) == 0)
		return;		/* sess_post() answered 400 or 403 */
	if ((db = pq_db(r)) == NULL)
		goto out;
	sess_actor(r, &who);
	if ((rc = qview_domain(db, &who, alabel, &x)) != STORE_OK) {
		if (rc == STORE_ERROR)
			log_event(LOG_ERR, r->id, "queue domain: %s",
			    db_error(db));
		page_error(r, rc == STORE_ERROR ? 500 : 404, NULL);
		goto out;
	}
	pq_route(r, db, &x, &p, posted ? &f : NULL);
out:
	if (posted)
		form_free(&f);
}

const struct page_route page_queue_routes[] = {
	{ "/queue",	HTTP_GET,		pq_overview },
	{ "/queue/*",	HTTP_GET | HTTP_POST,	pq_sub },
	{ "/metrics",	HTTP_GET,		page_metrics },
	{ NULL, 0, NULL }
};
