/*
 * scheduler — see scheduler.h.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "attempt.h"
#include "dns.h"
#include "log.h"
#include "notify.h"
#include "scheduler.h"
#include "spool.h"
#include "stats.h"
#include "store.h"
#include "util.h"

#define MAX_RUNNERS 64		/* destinations worked on at once */
#define BATCH 256		/* messages a runner takes per round */
#define MAX_TARGETS 16

struct runner {
	int			 probe_only;	/* watch a primary, no mail */
	char			 dest[VALID_NAME_MAX];
	char			 delivery_host[VALID_NAME_MAX + 8];
	struct deliver_target	 tg[MAX_TARGETS];
	size_t			 ntg;
	/* shared by the runner's workers */
	pthread_mutex_t		 lock;
	char			 (*ids)[32];
	size_t			 nids, next;
	size_t			 cur_tg;	/* first target still believed up */
	int			 down;
	char			 why[512];
};

static struct {
	struct sched_opts	 o;
	const char		*own[32];
	size_t			 nown;
	char			 own_buf[1024];
	pthread_t		 thread;
	pthread_mutex_t		 lock;
	pthread_cond_t		 wake, idle;
	int			 woken, stopping, running;
	char			 active[MAX_RUNNERS][VALID_NAME_MAX];
	int			 nactive;
} sc = { .lock = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER,
	.idle = PTHREAD_COND_INITIALIZER };

static int
sched_stopping(void)
{
	return __atomic_load_n(&sc.stopping, __ATOMIC_RELAXED);
}

void
sched_wake(void)
{
	pthread_mutex_lock(&sc.lock);
	sc.woken = 1;
	pthread_cond_signal(&sc.wake);
	pthread_mutex_unlock(&sc.lock);
}

static struct db *
sched_db(void)
{
	char err[DB_ERR_MAX];
	struct db *db;

	if ((db = db_open(sc.o.dbpath, 0, err)) == NULL) {
		log_event(LOG_ERR, NULL, "scheduler: %s", err);
		return NULL;
	}
	return db;
}

/* The hosts of a destination: its delivery host, or its MX list. */
static enum dns_rc
runner_resolve(struct runner *r, char *why, size_t whysz)
{
	struct dns_target t[DNS_MAX_TARGETS];
	struct dns_addr ad[DNS_MAX_ADDRS];
	char host[VALID_NAME_MAX], verr[VALID_ERR_MAX];
	size_t nt = 0, na, i, j;
	enum dns_rc rc = DNS_OK, arc, worst = DNS_PERMFAIL;
	int port = sc.o.port;

	if (r->delivery_host[0] != '\0') {
		if (valid_hostport(r->delivery_host, host, &port, sc.o.port,
		    verr) == -1) {
			snprintf(why, whysz, "bad delivery host %s: %s",
			    r->delivery_host, verr);
			return DNS_TEMPFAIL;
		}
		util_strlcpy(t[0].host, host, sizeof(t[0].host));
		nt = 1;
	} else if ((rc = dns_targets(r->dest, sc.own, sc.nown, t,
	    DNS_MAX_TARGETS, &nt, why)) != DNS_OK)
		return rc;
	for (i = 0; i < nt && r->ntg < MAX_TARGETS; i++) {
		if ((arc = dns_addrs(t[i].host, ad, DNS_MAX_ADDRS, &na, why)) !=
		    DNS_OK) {
			/* Permanent only when every host is permanently bad. */
			if (arc != DNS_PERMFAIL)
				worst = DNS_TEMPFAIL;
			continue;
		}
		for (j = 0; j < na && r->ntg < MAX_TARGETS; j++) {
			util_strlcpy(r->tg[r->ntg].host, t[i].host,
			    sizeof(r->tg[0].host));
			util_strlcpy(r->tg[r->ntg].ip, ad[j].text,
			    sizeof(r->tg[0].ip));
			r->tg[r->ntg++].port = port;
		}
	}
	return r->ntg > 0 ? DNS_OK : worst;
}

/* Every due message of the destination gets the same failure. */
static void
runner_fail_all(struct runner *r, struct db *db, int permanent,
    const char *dsn, const char *why)
{
	struct attempt_ctx a = { &sc.o, db };
	char (*ids)[32] = calloc(BATCH, 32);
	size_t n = 0, i;

	if (ids == NULL)
		return;
	if (queue_due_messages(db, sc.o.node, r->dest, util_now(), ids, BATCH,
	    &n) == STORE_OK)
		for (i = 0; i < n; i++)
			attempt_fail(&a, ids[i], permanent, dsn, why);
	free(ids);
}

/*
 * Store what a probe or a delivery round found.  Many runners write at
 * once; a write that still finds the database locked after the busy
 * timeout is tried again, because a lost "down" means a second probe
 * within the interval and a lost "up" holds mail back until the next one.
 */
static void
runner_dest_put(struct runner *r, struct db *db, const struct dest_state *d)
{
	int i;

	for (i = 0; i < 5; i++) {
		if (dest_put(db, sc.o.node, r->dest, d) == STORE_OK)
			return;
		nanosleep(&(struct timespec){ 0, (i + 1) * 50 * 1000 * 1000 },
		    NULL);
	}
	log_event(LOG_ERR, NULL, "%s: cannot record the destination's state: "
	    "%s", r->dest, db_error(db));
}

/* Mark the destination down: everything waits for the next probe. */
static void
runner_down(struct runner *r, struct db *db, const char *why)
{
	struct dest_state d;
	int64_t now = util_now();

	dest_get(db, sc.o.node, r->dest, &d);
	d.last_probe = now;
	d.next_probe = now + sc.o.probe_interval;
	util_strlcpy(d.last_result, why, sizeof(d.last_result));
	runner_dest_put(r, db, &d);
	if (queue_defer_dest(db, sc.o.node, r->dest, d.next_probe, why) !=
	    STORE_OK)	/* the mail stays due: the next tick tries again */
		log_event(LOG_WARNING, NULL, "%s: cannot put the queue off: %s",
		    r->dest, db_error(db));
	log_event(LOG_INFO, NULL, "%s: destination unreachable (%s); next "
	    "probe in %lld s", r->dest, why, (long long)sc.o.probe_interval);
}

static void
runner_up(struct runner *r, struct db *db)
{
	struct dest_state d;
	int64_t now = util_now();

	dest_get(db, sc.o.node, r->dest, &d);
	d.last_probe = d.last_ok = now;
	d.next_probe = 0;
	util_strlcpy(d.last_result, "ok", sizeof(d.last_result));
	runner_dest_put(r, db, &d);
}

/* A destination that was down gets one NOOP probe per target first. */
static int
runner_probe(struct runner *r, char *why, size_t whysz)
{
	size_t i;

	for (i = 0; i < r->ntg; i++)
		if (deliver_probe(&r->tg[i], sc.o.node, why, whysz) == 0) {
			r->cur_tg = i;
			log_event(LOG_INFO, NULL, "%s: probe of %s[%s]:%d "
			    "succeeded%s", r->dest, r->tg[i].host,
			    r->tg[i].ip, r->tg[i].port, r->probe_only ? "" :
			    ": delivering");
			return 0;
		}
	return -1;
}

/* Take the next message id, or NULL when done or the target is down. */
static const char *
runner_next(struct runner *r)
{
	const char *id = NULL;

	pthread_mutex_lock(&r->lock);
	if (!r->down && r->next < r->nids && !sched_stopping())
		id = r->ids[r->next++];
	pthread_mutex_unlock(&r->lock);
	return id;
}

/* A transport failure on target t: move on to the next one. */
static int
runner_next_target(struct runner *r, size_t t, const char *why)
{
	int down;

	pthread_mutex_lock(&r->lock);
	if (r->cur_tg == t)
		r->cur_tg++;
	if (r->cur_tg >= r->ntg && !r->down) {
		r->down = 1;
		util_strlcpy(r->why, why, sizeof(r->why));
	}
	down = r->down;
	pthread_mutex_unlock(&r->lock);
	return down;
}

static void *
runner_worker(void *arg)
{
	struct runner *r = arg;
	struct attempt_ctx a = { &sc.o, sched_db() };
	struct deliver_conn *c = deliver_conn_new(sc.o.node);
	const char *id;
	char why[512];
	size_t t;

	while (a.db != NULL && c != NULL && (id = runner_next(r)) != NULL) {
		for (;;) {
			pthread_mutex_lock(&r->lock);
			t = r->cur_tg;
			pthread_mutex_unlock(&r->lock);
			if (t >= r->ntg)
				break;
			if (attempt_message(&a, c, &r->tg[t], id, why,
			    sizeof(why)) == 0)
				break;
			if (runner_next_target(r, t, why)) {
				attempt_fail(&a, id, 0, "4.4.1", why);
				break;
			}
		}
	}
	deliver_conn_free(c);
	db_close(a.db);
	return NULL;
}

/* Deliver a batch with up to `concurrency` connections. */
static void
runner_batch(struct runner *r)
{
	pthread_t th[100];
	size_t k = (size_t)sc.o.concurrency, i, started = 0;

	if (k > r->nids)
		k = r->nids;
	if (k > sizeof(th) / sizeof(th[0]))
		k = sizeof(th) / sizeof(th[0]);
	for (i = 0; i < k; i++)
		if (pthread_create(&th[started], NULL, runner_worker, r) == 0)
			started++;
	if (started == 0)
		runner_worker(r);
	for (i = 0; i < started; i++)
		pthread_join(th[i], NULL);
}

static void
runner_deliver(struct runner *r, struct db *db)
{
	char first[32] = "";
	int delivered = 0;

	while (!sched_stopping() && !r->down) {
		r->next = 0;
		if (queue_due_messages(db, sc.o.node, r->dest, util_now(),
		    r->ids, BATCH, &r->nids) != STORE_OK || r->nids == 0)
			break;
		/* A message whose outcome could not be recorded is due
		 * again at once: leave it to the next tick, don't spin. */
		if (strcmp(first, r->ids[0]) == 0)
			break;
		util_strlcpy(first, r->ids[0], sizeof(first));
		runner_batch(r);
		delivered = 1;
	}
	if (r->down)
		runner_down(r, db, r->why);
	else if (delivered)
		runner_up(r, db);
}

static void
runner_work(struct runner *r, struct db *db)
{
	struct dest_state d;
	char why[512];
	enum dns_rc rc;

	rc = runner_resolve(r, why, sizeof(why));
	if (r->probe_only) {
		if (rc != DNS_OK || runner_probe(r, why, sizeof(why)) == -1)
			runner_down(r, db, why);
		else
			runner_up(r, db);
		return;
	}
	if (rc == DNS_PERMFAIL) {
		runner_fail_all(r, db, 1, "5.1.2", why);
		return;
	}
	if (rc != DNS_OK) {
		/* Temporary DNS trouble or loops back to myself: as if the
		 * destination were down, with the reason on every message. */
		runner_fail_all(r, db, 0, rc == DNS_LOOP ? "4.4.6" : "4.4.3",
		    why);
		runner_down(r, db, why);
		return;
	}
	if (dest_get(db, sc.o.node, r->dest, &d) == STORE_OK && d.known &&
	    d.last_ok < d.last_probe) {
		/* Down: new mail waits for the next probe, which is the only
		 * connection a down destination gets per interval. */
		if (util_now() < d.next_probe) {
			queue_defer_dest(db, sc.o.node, r->dest, d.next_probe,
			    d.last_result);
			return;
		}
		if (runner_probe(r, why, sizeof(why)) == -1) {
			runner_down(r, db, why);
			return;
		}
	}
	runner_deliver(r, db);
}

static void
runner_release(const char *dest)
{
	int i;

	pthread_mutex_lock(&sc.lock);
	for (i = 0; i < sc.nactive; i++)
		if (strcmp(sc.active[i], dest) == 0) {
			memcpy(sc.active[i], sc.active[--sc.nactive],
			    sizeof(sc.active[0]));
			break;
		}
	pthread_cond_broadcast(&sc.idle);
	pthread_mutex_unlock(&sc.lock);
}

static void *
runner_main(void *arg)
{
	struct runner *r = arg;
	struct db *db = sched_db();

	if (db != NULL && (r->ids = calloc(BATCH, 32)) != NULL)
		runner_work(r, db);
	db_close(db);
	runner_release(r->dest);
	pthread_mutex_destroy(&r->lock);
	free(r->ids);
	free(r);
	return NULL;
}

/* Start a runner for dest unless one is at work or too many are. */
static void
sched_dispatch(const struct queue_dest *qd, int probe_only)
{
	struct runner *r;
	pthread_t t;
	pthread_attr_t attr;
	int i;

	pthread_mutex_lock(&sc.lock);
	for (i = 0; i < sc.nactive; i++)
		if (strcmp(sc.active[i], qd->name) == 0)
			break;
	if (i < sc.nactive || sc.nactive >= MAX_RUNNERS ||
	    (r = calloc(1, sizeof(*r))) == NULL) {
		pthread_mutex_unlock(&sc.lock);
		return;
	}
	r->probe_only = probe_only;
	util_strlcpy(r->dest, qd->name, sizeof(r->dest));
	util_strlcpy(r->delivery_host, qd->delivery_host,
	    sizeof(r->delivery_host));
	pthread_mutex_init(&r->lock, NULL);
	util_strlcpy(sc.active[sc.nactive++], qd->name, sizeof(sc.active[0]));
	pthread_mutex_unlock(&sc.lock);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&t, &attr, runner_main, r) != 0) {
		runner_release(r->dest);
		pthread_mutex_destroy(&r->lock);
		free(r);
	}
	pthread_attr_destroy(&attr);
}

static void
sched_commands(struct db *db)
{
	struct queue_cmd cmd[32];
	char path[4200];
	size_t n, i;

	if (queue_commands(db, cmd, 32, &n) != STORE_OK)
		return;
	for (i = 0; i < n; i++) {
		if (queue_command_apply(db, sc.o.node, &cmd[i]) != STORE_OK) {
			log_event(LOG_ERR, NULL, "queue %s %s: %s", cmd[i].verb,
			    cmd[i].arg, db_error(db));
			continue;
		}
		if (strcmp(cmd[i].verb, "delete") == 0 &&
		    spool_path(sc.o.spool_dir, cmd[i].arg, path,
		    sizeof(path)) == 0 && unlink(path) == 0)
			log_event(LOG_INFO, cmd[i].arg, "removed (deleted by "
			    "the operator)");
		else
			log_event(LOG_INFO, NULL, "queue %s %s", cmd[i].verb,
			    cmd[i].arg[0] ? cmd[i].arg : "(all)");
	}
}

static int
sched_expire_one(void *arg, const char *id)
{
	struct attempt_ctx a = { &sc.o, arg };

	return attempt_expire(&a, id) == -1 ? -1 : 0;
}

/*
 * A destination known to be down waits for its next probe: its new mail
 * is put off to then right here, without a runner, so mail arriving for a
 * down primary costs one small UPDATE, not a thread and a connection.
 */
static int
sched_waits(struct db *db, const struct queue_dest *qd)
{
	struct dest_state d;

	if (dest_get(db, sc.o.node, qd->name, &d) != STORE_OK || !d.known ||
	    d.last_ok >= d.last_probe || util_now() >= d.next_probe)
		return 0;
	queue_defer_dest(db, sc.o.node, qd->name, d.next_probe, d.last_result);
	return 1;
}

static void
sched_tick(struct db *db)
{
	struct queue_dest *due;
	size_t n, i;

	sched_commands(db);
	stats_tick(db);		/* charts and owner notices (stats.c, */
	notify_tick(db);	/* notify.c): each paces itself */
	queue_expired(db, sc.o.node, util_now(), sched_expire_one, db);
	if (queue_due_dests(db, sc.o.node, util_now(), &due, &n) != STORE_OK)
		return;
	for (i = 0; i < n && !sched_stopping(); i++)
		if (!sched_waits(db, &due[i]))
			sched_dispatch(&due[i], 0);
	free(due);
	/* Primaries of "only while down" records are watched even without
	 * mail: the relay must know when to start accepting. */
	if (queue_watch_dests(db, sc.o.node, util_now() - sc.o.probe_interval,
	    &due, &n) != STORE_OK)
		return;
	for (i = 0; i < n && !sched_stopping(); i++)
		sched_dispatch(&due[i], 1);
	free(due);
}

/*
 * Wait for the next tick: a wake-up (accepted mail), a commit by another
 * connection (an operator's or the panel's command, seen through
 * PRAGMA data_version within 0.1 s), or one second.  Ticks that come in
 * a burst are merged: at most ten a second.
 */
static void
sched_wait(struct db *db)
{
	struct timespec until;
	int64_t v = db != NULL ? db_data_version(db) : -1;
	int slice;

	for (slice = 0; slice < 10 && !sched_stopping(); slice++) {
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += 100 * 1000 * 1000;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_mutex_lock(&sc.lock);
		while (!sc.stopping && pthread_cond_timedwait(&sc.wake,
		    &sc.lock, &until) != ETIMEDOUT)
			;
		pthread_mutex_unlock(&sc.lock);
		pthread_mutex_lock(&sc.lock);
		if (sc.woken) {
			sc.woken = 0;
			pthread_mutex_unlock(&sc.lock);
			return;
		}
		pthread_mutex_unlock(&sc.lock);
		if (db != NULL && db_data_version(db) != v)
			return;
	}
}

static void *
sched_main(void *arg)
{
	struct db *db = NULL;

	(void)arg;
	while (!sched_stopping()) {
		if (db == NULL)
			db = sched_db();
		if (db != NULL)
			sched_tick(db);
		sched_wait(db);
	}
	db_close(db);
	return NULL;
}

int
sched_start(const struct sched_opts *o, char *err, size_t errsz)
{
	char *tok, *save = NULL;

	sc.o = *o;
	util_strlcpy(sc.own_buf, o->mx_names, sizeof(sc.own_buf));
	for (tok = strtok_r(sc.own_buf, " \t", &save); tok != NULL &&
	    sc.nown < 32; tok = strtok_r(NULL, " \t", &save))
		sc.own[sc.nown++] = tok;
	if (pthread_create(&sc.thread, NULL, sched_main, NULL) != 0) {
		snprintf(err, errsz, "cannot start the scheduler");
		return -1;
	}
	sc.running = 1;
	return 0;
}

void
sched_stop(void)
{
	struct timespec until;

	if (!sc.running)
		return;
	__atomic_store_n(&sc.stopping, 1, __ATOMIC_RELAXED);
	sched_wake();
	pthread_join(sc.thread, NULL);
	/* Runners finish the message they are on; curl's own timeouts bound
	 * that, but shutdown waits at most 30 s (a message cut off then is
	 * delivered again later: duplicated, never lost). */
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 30;
	pthread_mutex_lock(&sc.lock);
	while (sc.nactive > 0 &&
	    pthread_cond_timedwait(&sc.idle, &sc.lock, &until) != ETIMEDOUT)
		;
	if (sc.nactive > 0)
		log_event(LOG_WARNING, NULL, "stopping with %d deliveries in "
		    "progress", sc.nactive);
	pthread_mutex_unlock(&sc.lock);
	sc.running = 0;
}
