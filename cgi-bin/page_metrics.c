/*
 * page_metrics — GET /metrics in the Prometheus text exposition format
 * (version 0.0.4): per domain the queued messages, their bytes and the
 * age of the oldest; delivered and bounced recipients (counters, kept by
 * the database since it was created); the primary's last probe.
 *
 * Only for a scraper on the same machine (REMOTE_ADDR from nginx is
 * 127.0.0.1 or ::1 exactly) or a signed-in admin; anyone else gets 404,
 * as if there were no such page.  Reads the whole queue: meant for a
 * scrape every few seconds, not for every visitor.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "page_queue.h"
#include "sess.h"
#include "worker.h"

enum { M_MSG, M_BYTES, M_OLDEST, M_DELIV, M_BOUNCE, M_LAST, M_UP, M_PROBE,
	M_NEXT, M_N };

static const struct {
	const char *name, *type, *help;
} metric_fam[M_N] = {
	{ "backupmx_queue_messages", "gauge",
	    "Messages queued per recipient domain." },
	{ "backupmx_queue_bytes", "gauge",
	    "Bytes of the messages queued per recipient domain." },
	{ "backupmx_queue_oldest_age_seconds", "gauge",
	    "Age of the oldest queued message per recipient domain." },
	{ "backupmx_deliveries_total", "counter",
	    "Recipients delivered to the primary." },
	{ "backupmx_bounces_total", "counter",
	    "Recipients returned to the sender." },
	{ "backupmx_last_delivery_timestamp_seconds", "gauge",
	    "When a recipient of the domain was last delivered." },
	{ "backupmx_primary_up", "gauge",
	    "1 when the last probe of the primary succeeded, else 0." },
	{ "backupmx_primary_last_probe_timestamp_seconds", "gauge",
	    "When the primary was last probed." },
	{ "backupmx_primary_next_probe_timestamp_seconds", "gauge",
	    "When the primary is probed next (0: when mail is due)." },
};

struct metrics {
	struct sbuf	fam[M_N];
	int64_t		now;
};

/* name{domain="..."} value, the label value escaped as the format asks. */
static void
metric_line(struct sbuf *b, int fam, const char *domain, int64_t v)
{
	sbuf_printf(b, "%s{domain=\"", metric_fam[fam].name);
	for (; *domain != '\0'; domain++) {
		if (*domain == '\\' || *domain == '"')
			sbuf_add(b, "\\", 1);
		if (*domain == '\n')
			sbuf_puts(b, "\\n");
		else
			sbuf_add(b, domain, 1);
	}
	sbuf_printf(b, "\"} %lld\n", (long long)v);
}

static int
metric_queue(void *arg, const char *name, const int64_t *v)
{
	struct metrics *m = arg;

	metric_line(&m->fam[M_MSG], M_MSG, name, v[0]);
	metric_line(&m->fam[M_BYTES], M_BYTES, name, v[1]);
	metric_line(&m->fam[M_OLDEST], M_OLDEST, name,
	    m->now > v[2] ? m->now - v[2] : 0);
	return 0;
}

static int
metric_total(void *arg, const char *name, const int64_t *v)
{
	struct metrics *m = arg;

	metric_line(&m->fam[M_DELIV], M_DELIV, name, v[0]);
	metric_line(&m->fam[M_BOUNCE], M_BOUNCE, name, v[1]);
	if (v[2] > 0)
		metric_line(&m->fam[M_LAST], M_LAST, name, v[2]);
	return 0;
}

static int
metric_dest(void *arg, const char *name, const int64_t *v)
{
	struct metrics *m = arg;

	if (v[0] == 0)
		return 0;	/* never probed */
	metric_line(&m->fam[M_UP], M_UP, name, v[1] >= v[0]);
	metric_line(&m->fam[M_PROBE], M_PROBE, name, v[0]);
	metric_line(&m->fam[M_NEXT], M_NEXT, name, v[2]);
	return 0;
}

static int
metric_allowed(const struct req *r)
{
	return strcmp(r->remote_addr, "127.0.0.1") == 0 ||
	    strcmp(r->remote_addr, "::1") == 0 ||
	    (r->signed_in && r->sess.a.admin);
}

void
page_metrics(struct req *r)
{
	struct db *db;
	struct metrics m;
	struct sbuf out;
	int i, rc;

	if (!metric_allowed(r)) {
		page_error(r, 404, NULL);
		return;
	}
	if ((db = pq_db(r)) == NULL)
		return;
	m.now = util_now();
	for (i = 0; i < M_N; i++)
		sbuf_init(&m.fam[i]);
	rc = qview_metrics(db, QVIEW_M_QUEUE, metric_queue, &m);
	if (rc == STORE_OK)
		rc = qview_metrics(db, QVIEW_M_TOTAL, metric_total, &m);
	if (rc == STORE_OK)
		rc = qview_metrics(db, QVIEW_M_DEST, metric_dest, &m);
	sbuf_init(&out);
	for (i = 0; i < M_N; i++) {
		sbuf_printf(&out, "# HELP %s %s\n# TYPE %s %s\n",
		    metric_fam[i].name, metric_fam[i].help, metric_fam[i].name,
		    metric_fam[i].type);
		if (m.fam[i].len > 0)
			sbuf_add(&out, m.fam[i].buf, m.fam[i].len);
		sbuf_free(&m.fam[i]);
	}
	if (rc != STORE_OK) {
		log_event(LOG_ERR, r->id, "metrics: %s", db_error(db));
		sbuf_free(&out);
		http_text(r, 500, "metrics unavailable\n");
		return;
	}
	http_send(r, 200, "text/plain; version=0.0.4; charset=utf-8", out.buf,
	    out.len);
	sbuf_free(&out);
}
