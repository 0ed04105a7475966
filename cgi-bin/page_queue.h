/*
 * page_queue — the queue dashboards (internal header of page_queue.c,
 * page_qmsg.c, page_qsvg.c and page_metrics.c).
 *
 *   GET  /queue                         overview: ?customer= (admins),
 *                                       ?queued=1, ?page=N
 *   GET  /queue/chart.svg, /ages.svg    pictures of everything shown
 *   GET  /queue/DOMAIN                  the domain's queue: ?sender=,
 *                                       ?rcpt=, ?sort=arrival|size|sender,
 *                                       ?dir=asc|desc, ?page=N
 *   POST /queue/DOMAIN/flush            deliver now (once per 10 s)
 *   POST /queue/DOMAIN/notify           owner notices on or off
 *   GET  /queue/DOMAIN/chart.svg, ages.svg
 *   GET  /queue/DOMAIN/ID               one message: envelope, headers
 *   GET  /queue/DOMAIN/ID/delete        confirmation; POST deletes
 *   POST /queue/DOMAIN/ID/hold, release admins only
 *   GET  /metrics                       Prometheus text (page_metrics.c)
 *
 * A domain outside the user's view, or a message not of that domain,
 * answers 404 whatever the verb (after the CSRF check for a POST).  All
 * SQL is in core/store_qview.c.
 */
#ifndef BMX_PAGE_QUEUE_H
#define BMX_PAGE_QUEUE_H

#include "form.h"
#include "http.h"
#include "page.h"
#include "store_qview.h"

#define PQ_FLUSH_INTERVAL 10	/* seconds between two "deliver now" */

/* The worker's database, or NULL after answering 503. */
struct db	*pq_db(struct req *r);
/* KEY = "2026-11-29 02:12" (UTC) and KEY_ISO for <time datetime>. */
void		 pq_set_time(struct tpl *d, const char *key, int64_t t);
/* "3 d 4 h", "25 min", "40 s" */
void		 pq_duration(int64_t secs, char *buf, size_t bufsz);
/* "1.2 MB", "512 bytes" */
void		 pq_bytes(int64_t n, char *buf, size_t bufsz);

/* page_qmsg.c: GET /queue/DOMAIN/ID[/verb], POST verbs. */
void		 pq_message(struct req *r, const struct qview_dom *d,
		    const char *id, const char *verb, const struct form *f);
/* page_qsvg.c: the two pictures; domain NULL for everything shown. */
void		 pq_svg_chart(struct req *r, const char *domain);
void		 pq_svg_ages(struct req *r, const char *domain);

/* page_metrics.c: GET /metrics. */
void		 page_metrics(struct req *r);

#endif
