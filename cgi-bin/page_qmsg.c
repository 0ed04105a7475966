/*
 * page_qmsg — one queued message: its envelope, each recipient's state
 * and its headers (read from the spool, never the body); delete with a
 * confirmation, and for admins hold and release.  Actions are rows in
 * queue_command that the relay carries out within a second; each is in
 * the audit log.  See page_queue.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csrf.h"
#include "log.h"
#include "page_queue.h"
#include "sess.h"
#include "worker.h"

#define PQ_HEADERS_MAX (64 * 1024)

struct pq_msg {
	struct queue_entry	 e;
	struct queue_rcpt_out	*rcpt;
	size_t			 n;
};

static void
pq_msg_free(struct pq_msg *m)
{
	free(m->e.rcpts);
	free(m->e.last_error);
	free(m->rcpt);
}

static void
pq_msg_envelope(struct tpl *t, const struct pq_msg *m, int64_t now)
{
	char buf[48];

	tpl_set(t, "ID", m->e.id);
	tpl_set(t, "NODE", m->e.node);
	tpl_set(t, "SENDER", m->e.sender[0] ? m->e.sender :
	    "<> (null sender)");
	pq_bytes(m->e.size, buf, sizeof(buf));
	tpl_set(t, "SIZE", buf);
	tpl_set_int(t, "OCTETS", m->e.size);
	pq_set_time(t, "ARRIVAL", m->e.arrival);
	pq_duration(now - m->e.arrival, buf, sizeof(buf));
	tpl_set(t, "AGE", buf);
	pq_set_time(t, "EXPIRES", m->e.expires);
	pq_duration(m->e.expires - now, buf, sizeof(buf));
	tpl_set(t, "EXPIRES_IN", buf);
	if (m->e.client[0] != '\0') {
		struct tpl *c = tpl_section(t, "CLIENT");
		tpl_set(c, "CLIENT", m->e.client);
		tpl_set(c, "HELO", m->e.helo);
	}
	if (m->e.envid[0] != '\0')
		tpl_set(tpl_section(t, "ENVID"), "ENVID", m->e.envid);
	if (m->e.held)
		tpl_show(t, "HELD");
}

static void
pq_msg_rcpts(struct tpl *t, const struct pq_msg *m)
{
	struct tpl *row;
	size_t i;

	for (i = 0; i < m->n; i++) {
		const struct queue_rcpt_out *q = &m->rcpt[i];
		row = tpl_section(t, "RCPT");
		tpl_set(row, "ADDRESS", q->address);
		tpl_set(row, "STATE", q->state);
		tpl_set_int(row, "ATTEMPTS", q->attempts);
		if (q->last_attempt > 0)
			pq_set_time(tpl_section(row, "LAST"), "LAST",
			    q->last_attempt);
		if (strcmp(q->state, "queued") == 0 && !m->e.held)
			pq_set_time(tpl_section(row, "NEXT"), "NEXT",
			    q->next_attempt);
		if (q->last_error[0] != '\0') {
			struct tpl *e = tpl_section(row, "ERROR");
			tpl_set(e, "DSN", q->last_dsn);
			tpl_set(e, "ERROR", q->last_error);
		}
	}
}

static void
pq_msg_page(struct req *r, struct db *db, const struct qview_dom *x,
    const struct pq_msg *m)
{
	struct page_view pv;
	struct tpl *t;
	char pending[16], flag[8];
	char *hdr;

	if (page_begin(r, &pv, "Queued message", "queue_msg.tpl") == -1) {
		page_error(r, 500, NULL);
		return;
	}
	t = pv.content;
	tpl_set(t, "CSRF_FIELD", CSRF_FIELD);
	tpl_set(t, "DOMAIN", x->domain);
	tpl_set(t, "IDN", x->idn);
	pq_msg_envelope(t, m, util_now());
	pq_msg_rcpts(t, m);
	hdr = qview_headers(r->worker->cf->spool_dir, m->e.id, PQ_HEADERS_MAX);
	if (hdr != NULL)
		tpl_set(tpl_section(t, "HEADERS"), "HEADERS", hdr);
	else
		tpl_show(t, "NO_HEADERS");
	free(hdr);
	if (qview_msg_pending(db, m->e.id, pending) == STORE_OK &&
	    pending[0] != '\0')
		tpl_set(tpl_section(t, "PENDING"), "VERB", pending);
	if (http_query(r, "requested", flag, sizeof(flag)) > 0)
		tpl_show(t, "REQUESTED");
	if (r->sess.a.admin)
		tpl_show(t, m->e.held ? "RELEASE" : "HOLD");
	page_finish(r, &pv, 200);
}

static void
pq_msg_delete_get(struct req *r, const struct qview_dom *x,
    const struct pq_msg *m)
{
	struct page_view pv;

	if (page_begin(r, &pv, "Delete a queued message",
	    "queue_delete.tpl") == -1) {
		page_error(r, 500, NULL);
		return;
	}
	tpl_set(pv.content, "CSRF_FIELD", CSRF_FIELD);
	tpl_set(pv.content, "DOMAIN", x->domain);
	tpl_set(pv.content, "IDN", x->idn);
	pq_msg_envelope(pv.content, m, util_now());
	tpl_set(pv.content, "RCPTS", m->e.rcpts);
	page_finish(r, &pv, 200);
}

static void
pq_msg_command(struct req *r, struct db *db, const struct qview_dom *x,
    const char *id, const char *verb)
{
	char loc[VALID_NAME_MAX + 96];
	struct actor who;
	int rc;

	sess_actor(r, &who);
	rc = qview_msg_command(db, &who, x->domain, id, verb);
	if (rc == STORE_NOTFOUND) {
		page_error(r, 404, NULL);
		return;
	}
	if (rc != STORE_OK) {
		log_event(LOG_ERR, r->id, "queue %s %s: %s", verb, id,
		    db_error(db));
		page_error(r, 500, NULL);
		return;
	}
	log_event(LOG_INFO, r->id, "queue %s %s by %s", verb, id, who.name);
	if (strcmp(verb, "delete") == 0)
		snprintf(loc, sizeof(loc), "/queue/%s?deleted=1", x->domain);
	else
		snprintf(loc, sizeof(loc), "/queue/%s/%s?requested=1", x->domain,
		    id);
	http_redirect(r, loc);
}

void
pq_message(struct req *r, const struct qview_dom *x, const char *id,
    const char *verb, const struct form *f)
{
	struct db *db = worker_db(r->worker);
	struct actor who;
	struct pq_msg m;
	int rc;

	if (db == NULL) {
		page_error(r, 503, NULL);
		return;
	}
	sess_actor(r, &who);
	memset(&m, 0, sizeof(m));
	rc = queue_get(db, &who, id, &m.e, &m.rcpt, &m.n);
	if (rc == STORE_OK && strcmp(m.e.domain, x->domain) != 0)
		rc = STORE_NOTFOUND;	/* another domain's message */
	if (rc != STORE_OK) {
		if (rc == STORE_ERROR)
			log_event(LOG_ERR, r->id, "queue get: %s", db_error(db));
		page_error(r, rc == STORE_ERROR ? 500 : 404, NULL);
		pq_msg_free(&m);
		return;
	}
	if (verb[0] == '\0' && f == NULL)
		pq_msg_page(r, db, x, &m);
	else if (strcmp(verb, "delete") == 0 && f == NULL)
		pq_msg_delete_get(r, x, &m);
	else if (f != NULL && (strcmp(verb, "delete") == 0 || (who.admin &&
	    (strcmp(verb, "hold") == 0 || strcmp(verb, "release") == 0))))
		pq_msg_command(r, db, x, m.e.id, verb);
	else
		page_error(r, 404, NULL);
	pq_msg_free(&m);
}
