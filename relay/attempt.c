/*
 * attempt — see attempt.h.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "attempt.h"
#include "dsn.h"
#include "log.h"
#include "spool.h"
#include "store.h"
#include "util.h"

/* A loaded message: its envelope and the recipients still queued. */
struct loaded {
	struct queue_entry	 e;
	struct queue_rcpt_out	*all;
	size_t			 nall;
	size_t			*queued;	/* indexes into all */
	size_t			 nq;
	char			 path[4200];
};

static void
loaded_free(struct loaded *m)
{
	free(m->e.rcpts);
	free(m->e.last_error);
	free(m->all);
	free(m->queued);
}

static int
attempt_load(struct attempt_ctx *a, const char *id, struct loaded *m)
{
	size_t i;

	memset(m, 0, sizeof(*m));
	if (queue_get(a->db, &actor_cli, id, &m->e, &m->all, &m->nall) !=
	    STORE_OK)
		return -1;
	if ((m->queued = calloc(m->nall + 1, sizeof(*m->queued))) == NULL) {
		loaded_free(m);
		return -1;
	}
	for (i = 0; i < m->nall; i++)
		if (strcmp(m->all[i].state, "queued") == 0)
			m->queued[m->nq++] = i;
	if (spool_path(a->o->spool_dir, id, m->path, sizeof(m->path)) == -1) {
		loaded_free(m);
		return -1;
	}
	return 0;
}

static const char *
attempt_status(enum deliver_outcome o)
{
	return o == DELIVER_SENT ? "sent" : o == DELIVER_BOUNCE ? "bounced" :
	    "deferred";
}

/* Seconds as Postfix prints them: two significant digits below 10. */
static const char *
attempt_secs(double v, char *buf, size_t bufsz)
{
	if (v < 0)
		v = 0;
	snprintf(buf, bufsz, v < 10 ? "%.2g" : "%.0f", v);
	return buf;
}

/*
 * The Postfix delivery line: "ID: to=<..>, relay=.., delay=.., delays=
 * a/b/c/d, dsn=.., status=.. (..)": a = waiting in the queue, b = 0 (no
 * separate queue manager), c = connection set-up (TCP, greeting, EHLO,
 * TLS), d = the transaction.
 */
static void
attempt_log(const char *id, const char *rcpt, const char *relay,
    double delay, const struct deliver_times *t, const char *dsn,
    const char *status, const char *text)
{
	char s1[32], s2[32], s3[32], s4[32];
	double total = t ? t->total : 0, c = t ? t->pretransfer : 0;

	log_event(LOG_INFO, id, "to=<%s>, relay=%s, delay=%s, "
	    "delays=%s/0/%s/%s, dsn=%s, status=%s (%s)", rcpt,
	    relay ? relay : "none", attempt_secs(delay, s1, sizeof(s1)),
	    attempt_secs(delay - total, s2, sizeof(s2)),
	    attempt_secs(c, s3, sizeof(s3)),
	    attempt_secs(total - c, s4, sizeof(s4)), dsn, status, text);
}

/* Queue a DSN for the failed recipients; 0, or -1 (keep them queued). */
static int
attempt_dsn(struct attempt_ctx *a, struct loaded *m,
    const struct dsn_rcpt *dr, size_t n)
{
	struct spool_file *f;
	struct queue_msg_in q;
	struct queue_rcpt_in r;
	struct dsn_msg dm;
	struct sbuf sb;
	char err[SPOOL_ERR_MAX] = "", bid[SPOOL_ID_MAX], client[400];
	const char *at;
	int rc = -1;

	if (m->e.sender[0] == '\0') {
		log_event(LOG_INFO, m->e.id, "sender is the null sender: no "
		    "delivery status notification");
		return 0;
	}
	if ((at = strrchr(m->e.sender, '@')) == NULL || at[1] == '\0') {
		log_event(LOG_WARNING, m->e.id, "sender <%s> has no domain: no "
		    "delivery status notification", m->e.sender);
		return 0;
	}
	memset(&dm, 0, sizeof(dm));
	dm.reporting_mta = a->o->node;
	dm.queue_id = m->e.id;
	dm.sender = m->e.sender;
	dm.arrival = m->e.arrival;
	dm.now = util_now();
	dm.envid = m->e.envid[0] ? m->e.envid : NULL;
	if (m->e.client[0]) {
		snprintf(client, sizeof(client), "dns; %s ([%s])",
		    m->e.helo[0] ? m->e.helo : "unknown", m->e.client);
		dm.client = client;
	}
	sbuf_init(&sb);
	if (dsn_build(&dm, dr, n, m->path, &sb, err) == -1 ||
	    (f = malloc(sizeof(*f))) == NULL) {
		log_event(LOG_ERR, m->e.id, "cannot build the DSN: %s", err);
		sbuf_free(&sb);
		return -1;
	}
	if (spool_open(f, err) == 0) {
		spool_write(f, sb.buf, sb.len);
		memset(&q, 0, sizeof(q));
		memset(&r, 0, sizeof(r));
		r.address = m->e.sender;
		q.id = f->id;
		q.node = a->o->node;
		q.domain = at + 1;
		q.sender = "";
		q.size = (int64_t)sb.len;
		q.arrival = util_now();
		q.expires = q.arrival + a->o->lifetime;
		q.is_bounce = 1;
		q.rcpt = &r;
		q.nrcpt = 1;
		util_strlcpy(bid, f->id, sizeof(bid));
		if ((rc = spool_commit(f, &q, 1, err)) == 0)
			log_event(LOG_INFO, m->e.id, "sender non-delivery "
			    "notification: %s", bid);
	}
	if (rc == -1)
		log_event(LOG_ERR, m->e.id, "cannot queue the DSN: %s", err);
	free(f);
	sbuf_free(&sb);
	return rc;
}

/*
 * Group commit of outcomes.  Every delivery worker puts its message's
 * results on a shared list and then takes the commit mutex; whoever gets
 * it first records everything on the list in one transaction (one WAL
 * sync for many messages) and the others find their own already done.
 * Workers also take turns here instead of sleeping in SQLite's busy
 * handler for up to 100 ms at a time.
 */
struct attempt_rec {
	struct queue_record_req	 q;
	int			 done, rc;
	char			 err[256];	/* when rc is not STORE_OK */
	struct attempt_rec	*next;
};

#define ATTEMPT_GROUP_MAX 64

static pthread_mutex_t attempt_commit_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t attempt_list_lock = PTHREAD_MUTEX_INITIALIZER;
static struct attempt_rec *attempt_list;

/* Record a group taken off the list; one by one if the group fails. */
static void
attempt_commit_group(struct db *db, struct attempt_rec *g)
{
	struct queue_record_req q[ATTEMPT_GROUP_MAX];
	struct attempt_rec *p, *next;
	size_t n, i;
	int rc;

	for (; g != NULL; g = next) {
		for (n = 0, p = g; p != NULL && n < ATTEMPT_GROUP_MAX;
		    p = p->next)
			q[n++] = p->q;
		next = p;
		rc = queue_record_many(db, q, n, util_now());
		for (i = 0, p = g; i < n; i++, p = p->next) {
			if (rc != STORE_OK && n > 1)
				p->rc = queue_record_many(db, &p->q, 1,
				    util_now());
			else {
				p->rc = rc;
				p->q.finished = q[i].finished;
			}
			if (p->rc != STORE_OK)
				util_strlcpy(p->err, db_error(db),
				    sizeof(p->err));
			p->done = 1;
		}
	}
}

/* Record results; remove the file when the message is done. */
static int
attempt_record(struct attempt_ctx *a, struct loaded *m,
    const struct queue_result *res, size_t n, int all_final)
{
	struct attempt_rec me = { { m->e.id, res, n, all_final, 0 }, 0, 0,
	    "", NULL };
	struct attempt_rec *g, *rev = NULL;

	pthread_mutex_lock(&attempt_list_lock);
	me.next = attempt_list;
	attempt_list = &me;
	pthread_mutex_unlock(&attempt_list_lock);
	pthread_mutex_lock(&attempt_commit_lock);
	if (!me.done) {
		pthread_mutex_lock(&attempt_list_lock);
		g = attempt_list;
		attempt_list = NULL;
		pthread_mutex_unlock(&attempt_list_lock);
		while (g != NULL) {	/* oldest first */
			struct attempt_rec *next = g->next;
			g->next = rev;
			rev = g;
			g = next;
		}
		attempt_commit_group(a->db, rev);
	}
	pthread_mutex_unlock(&attempt_commit_lock);
	if (me.rc != STORE_OK) {
		log_event(LOG_ERR, m->e.id, "cannot record the outcome: %s",
		    me.err);
		return -1;
	}
	if (me.q.finished) {
		if (unlink(m->path) == -1)
			log_event(LOG_WARNING, m->e.id, "unlink %s: %m", m->path);
		log_event(LOG_INFO, m->e.id, "removed");
	}
	return 0;
}

/*
 * Turn per-recipient outcomes into queue state: bounces get their DSN
 * first; a bounce whose DSN cannot be queued stays queued.
 */
static int
attempt_finish(struct attempt_ctx *a, struct loaded *m,
    struct deliver_rcpt *dr, const char *host, const char *relay,
    const struct deliver_times *t)
{
	struct queue_result *res = calloc(m->nq + 1, sizeof(*res));
	struct dsn_rcpt *bounce = calloc(m->nq + 1, sizeof(*bounce));
	int64_t now = util_now();
	size_t i, nb = 0;
	int rc = -1, all_final = 1;

	if (res == NULL || bounce == NULL)
		goto done;
	for (i = 0; i < m->nq; i++)
		if (dr[i].outcome == DELIVER_BOUNCE) {
			struct queue_rcpt_out *q = &m->all[m->queued[i]];
			bounce[nb].address = q->address;
			bounce[nb].orcpt = q->orcpt[0] ? q->orcpt : NULL;
			bounce[nb].action = "failed";
			bounce[nb].status = dr[i].dsn;
			bounce[nb].remote_mta = host;
			bounce[nb].diagnostic = dr[i].text;
			bounce[nb++].last_attempt = now;
		}
	if (nb > 0 && attempt_dsn(a, m, bounce, nb) == -1)
		for (i = 0; i < m->nq; i++)
			if (dr[i].outcome == DELIVER_BOUNCE)
				dr[i].outcome = DELIVER_DEFER;
	for (i = 0; i < m->nq; i++) {
		if (dr[i].outcome == DELIVER_DEFER)
			all_final = 0;
		res[i].address = dr[i].address;
		res[i].state = dr[i].outcome == DELIVER_SENT ? "sent" :
		    dr[i].outcome == DELIVER_BOUNCE ? "bounced" : "queued";
		res[i].status = attempt_status(dr[i].outcome);
		res[i].dsn = dr[i].dsn;
		res[i].relay = relay;
		res[i].reply = dr[i].text;
		res[i].next_attempt = now + a->o->probe_interval;
		attempt_log(m->e.id, dr[i].address, relay,
		    (double)(now - m->e.arrival), t, dr[i].dsn, res[i].status,
		    dr[i].text);
	}
	rc = attempt_record(a, m, res, m->nq, all_final);
done:
	free(res);
	free(bounce);
	return rc;
}

static struct deliver_rcpt *
attempt_rcpts(struct loaded *m)
{
	struct deliver_rcpt *dr = calloc(m->nq + 1, sizeof(*dr));
	size_t i;

	for (i = 0; dr != NULL && i < m->nq; i++)
		dr[i].address = m->all[m->queued[i]].address;
	return dr;
}

int
attempt_message(struct attempt_ctx *a, struct deliver_conn *c,
    const struct deliver_target *tg, const char *id, char *why, size_t whysz)
{
	struct loaded m;
	struct deliver_rcpt *dr;
	struct deliver_times t;
	char relay[400];
	int rc;

	if (attempt_load(a, id, &m) == -1)
		return 0;	/* gone meanwhile (delivered, deleted) */
	if (m.nq == 0 || (dr = attempt_rcpts(&m)) == NULL) {
		loaded_free(&m);
		return 0;
	}
	snprintf(relay, sizeof(relay), "%s[%s]:%d", tg->host, tg->ip, tg->port);
	if (deliver_message(c, tg, m.e.sender, m.path, m.e.size, dr, m.nq,
	    &t) == -1) {
		snprintf(why, whysz, "connect to %s: %s", relay, dr[0].text);
		rc = -1;
	} else {
		/* A recording failure leaves the message queued: retried. */
		attempt_finish(a, &m, dr, tg->host, relay, &t);
		rc = 0;
	}
	free(dr);
	loaded_free(&m);
	return rc;
}

int
attempt_fail(struct attempt_ctx *a, const char *id, int permanent,
    const char *dsn, const char *why)
{
	struct loaded m;
	struct deliver_rcpt *dr;
	size_t i;
	int rc;

	if (attempt_load(a, id, &m) == -1)
		return 0;
	if (m.nq == 0 || (dr = attempt_rcpts(&m)) == NULL) {
		loaded_free(&m);
		return 0;
	}
	for (i = 0; i < m.nq; i++) {
		dr[i].outcome = permanent ? DELIVER_BOUNCE : DELIVER_DEFER;
		util_strlcpy(dr[i].dsn, dsn, sizeof(dr[i].dsn));
		util_strlcpy(dr[i].text, why, sizeof(dr[i].text));
	}
	rc = attempt_finish(a, &m, dr, NULL, NULL, NULL);
	free(dr);
	loaded_free(&m);
	return rc;
}

int
attempt_expire(struct attempt_ctx *a, const char *id)
{
	struct loaded m;
	struct deliver_rcpt *dr;
	const struct queue_rcpt_out *q;
	size_t i;
	int rc;

	if (attempt_load(a, id, &m) == -1)
		return 0;
	if (m.nq == 0 || (dr = attempt_rcpts(&m)) == NULL) {
		loaded_free(&m);
		return 0;
	}
	for (i = 0; i < m.nq; i++) {
		q = &m.all[m.queued[i]];
		dr[i].outcome = DELIVER_BOUNCE;
		/* RFC 3463: keep the last temporary status if there was one. */
		util_strlcpy(dr[i].dsn, q->last_dsn[0] == '4' ? q->last_dsn :
		    "4.4.7", sizeof(dr[i].dsn));
		snprintf(dr[i].text, sizeof(dr[i].text), "delivery time expired"
		    "%s%s", q->last_error[0] ? "; last error: " : "",
		    q->last_error);
	}
	rc = attempt_finish(a, &m, dr, NULL, NULL, NULL);
	free(dr);
	loaded_free(&m);
	return rc;
}
