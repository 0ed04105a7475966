/*
 * policy — see policy.h.  A snapshot is an immutable sorted array of
 * domains, each with a sorted array of listed addresses; readers take a
 * reference under a short mutex, the poller swaps whole snapshots.
 */
#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "db.h"
#include "log.h"
#include "policy.h"
#include "store.h"
#include "util.h"

struct pdomain {
	char	 *name;
	int	  listed;
	int	  hold_off;	/* only while the primary is down, and it isn't */
	char	**rcpts;
	size_t	  nrcpt, caprcpt;
};

struct snapshot {
	int		 refs;
	int		 ok;		/* 0: database unavailable */
	int		 sorted;	/* doms sorted by name */
	struct pdomain	*doms;
	size_t		 n, cap;
};

static struct {
	pthread_mutex_t	 lock;
	struct snapshot	*cur;
	pthread_t	 thread;
	int		 stopping, running, touched;
	char		 path[4096];
	struct db	*db;
	dev_t		 dev;
	ino_t		 ino;
	int64_t		 version;
} pl = { .lock = PTHREAD_MUTEX_INITIALIZER };

static void
snapshot_unref(struct snapshot *s)
{
	size_t i, j;
	int last;

	if (s == NULL)
		return;
	pthread_mutex_lock(&pl.lock);
	last = --s->refs == 0;
	pthread_mutex_unlock(&pl.lock);
	if (!last)
		return;
	for (i = 0; i < s->n; i++) {
		for (j = 0; j < s->doms[i].nrcpt; j++)
			free(s->doms[i].rcpts[j]);
		free(s->doms[i].rcpts);
		free(s->doms[i].name);
	}
	free(s->doms);
	free(s);
}

static int
policy_add_domain(void *arg, const char *domain, int listed, int hold_off)
{
	struct snapshot *s = arg;
	struct pdomain *n;

	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		if ((n = realloc(s->doms, s->cap * sizeof(*n))) == NULL)
			return -1;
		s->doms = n;
	}
	memset(&s->doms[s->n], 0, sizeof(s->doms[0]));
	if ((s->doms[s->n].name = strdup(domain)) == NULL)
		return -1;
	s->doms[s->n].hold_off = hold_off;
	s->doms[s->n++].listed = listed;
	return 0;
}

static int
pdomain_cmp(const void *a, const void *b)
{
	return strcmp(((const struct pdomain *)a)->name,
	    ((const struct pdomain *)b)->name);
}

static int
str_casecmp(const void *a, const void *b)
{
	return strcasecmp(*(char *const *)a, *(char *const *)b);
}

/* Sort the domains once.  An empty array may be NULL, which qsort() and
 * bsearch() must never see (UBSan: nonnull arguments). */
static void
snapshot_sort(struct snapshot *s)
{
	if (!s->sorted && s->n > 0)
		qsort(s->doms, s->n, sizeof(s->doms[0]), pdomain_cmp);
	s->sorted = 1;
}

static struct pdomain *
policy_find(struct snapshot *s, const char *domain)
{
	struct pdomain key = { .name = (char *)(uintptr_t)domain };

	return s->n ? bsearch(&key, s->doms, s->n, sizeof(key), pdomain_cmp) :
	    NULL;
}

static int
policy_add_rcpt(void *arg, const char *domain, const char *address)
{
	struct snapshot *s = arg;
	struct pdomain *d;
	char **n;

	/* Every domain arrives before the first recipient. */
	snapshot_sort(s);
	if ((d = policy_find(s, domain)) == NULL)
		return 0;
	if (d->nrcpt == d->caprcpt) {
		d->caprcpt = d->caprcpt ? d->caprcpt * 2 : 16;
		if ((n = realloc(d->rcpts, d->caprcpt * sizeof(*n))) == NULL)
			return -1;
		d->rcpts = n;
	}
	if ((d->rcpts[d->nrcpt] = strdup(address)) == NULL)
		return -1;
	d->nrcpt++;
	return 0;
}

/* Build a snapshot; NULL when the database cannot be read. */
static struct snapshot *
policy_load(void)
{
	struct snapshot *s;
	struct policy_sink sink;
	size_t i;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	s->refs = 1;
	s->ok = 1;
	sink.arg = s;
	sink.domain = policy_add_domain;
	sink.recipient = policy_add_rcpt;
	if (store_policy_load(pl.db, &sink) != STORE_OK) {
		snapshot_unref(s);
		return NULL;
	}
	snapshot_sort(s);
	for (i = 0; i < s->n; i++)
		if (s->doms[i].nrcpt > 0)
			qsort(s->doms[i].rcpts, s->doms[i].nrcpt,
			    sizeof(char *), str_casecmp);
	return s;
}

static void
policy_swap(struct snapshot *s)
{
	struct snapshot *old;

	pthread_mutex_lock(&pl.lock);
	old = pl.cur;
	pl.cur = s;
	pthread_mutex_unlock(&pl.lock);
	snapshot_unref(old);
}

/* An "unavailable" snapshot: every check answers TEMPFAIL. */
static void
policy_fail(const char *why)
{
	struct snapshot *s;

	if (pl.cur != NULL && !pl.cur->ok)
		return;		/* already failed; log once */
	log_event(LOG_ERR, NULL, "recipient policy unavailable: %s", why);
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return;
	s->refs = 1;
	policy_swap(s);
}

/* Open the database when needed (first time, or the file was replaced). */
static int
policy_db_ready(void)
{
	struct stat st;
	char err[DB_ERR_MAX];

	if (stat(pl.path, &st) == -1) {
		pl.db = db_close(pl.db);
		policy_fail(strerror(errno));
		return -1;
	}
	if (pl.db != NULL && st.st_dev == pl.dev && st.st_ino == pl.ino)
		return 0;
	pl.db = db_close(pl.db);
	if ((pl.db = db_open(pl.path, 0, err)) == NULL ||
	    db_check_version(pl.db) == -1) {
		policy_fail(pl.db != NULL ? db_error(pl.db) : err);
		pl.db = db_close(pl.db);
		return -1;
	}
	pl.dev = st.st_dev;
	pl.ino = st.st_ino;
	pl.version = -1;
	return 0;
}

/* One tick: reload when the database changed; 0 or -1. */
static int
policy_refresh(void)
{
	struct snapshot *s;
	int64_t v;

	if (policy_db_ready() == -1)
		return -1;
	v = db_data_version(pl.db);
	if (v == -1) {
		policy_fail(db_error(pl.db));
		pl.db = db_close(pl.db);
		return -1;
	}
	if (v == pl.version && !__atomic_load_n(&pl.touched, __ATOMIC_RELAXED) && pl.cur != NULL && pl.cur->ok)
		return 0;
	if ((s = policy_load()) == NULL) {
		policy_fail(db_error(pl.db));
		pl.db = db_close(pl.db);
		return -1;
	}
	if (pl.cur != NULL && !pl.cur->ok)
		log_event(LOG_INFO, NULL, "recipient policy available again");
	pl.version = v;
	pl.touched = 0;
	policy_swap(s);
	return 0;
}

static void *
policy_poller(void *arg)
{
	struct timespec tick = { 0, 250 * 1000 * 1000 };

	(void)arg;
	while (!__atomic_load_n(&pl.stopping, __ATOMIC_RELAXED)) {
		nanosleep(&tick, NULL);
		policy_refresh();
	}
	return NULL;
}

int
policy_init(const char *dbpath, char *err, size_t errsz)
{
	if (util_strlcpy(pl.path, dbpath, sizeof(pl.path)) >= sizeof(pl.path)) {
		snprintf(err, errsz, "database path too long");
		return -1;
	}
	if (policy_refresh() == -1) {
		snprintf(err, errsz, "cannot read the BackupMX records from %s",
		    dbpath);
		return -1;
	}
	if (pthread_create(&pl.thread, NULL, policy_poller, NULL) != 0) {
		snprintf(err, errsz, "cannot start the policy poller");
		return -1;
	}
	pl.running = 1;
	return 0;
}

void
policy_shutdown(void)
{
	if (pl.running) {
		__atomic_store_n(&pl.stopping, 1, __ATOMIC_RELAXED);
		pthread_join(pl.thread, NULL);
		pl.running = 0;
	}
	policy_swap(NULL);
	pl.db = db_close(pl.db);
}

void
policy_touch(void)
{
	__atomic_store_n(&pl.touched, 1, __ATOMIC_RELAXED);
}

/* Listed addresses: exact (case-insensitive) or "*@domain". */
static int
policy_listed(const struct pdomain *d, const char *rcpt)
{
	char wild[VALID_ADDR_MAX];
	const char *at = strrchr(rcpt, '@');
	const char *key = rcpt;

	if (d->nrcpt == 0)
		return 0;	/* an empty list (rcpts is NULL) */
	if (bsearch(&key, d->rcpts, d->nrcpt, sizeof(char *), str_casecmp))
		return 1;
	if (at == NULL)
		return 0;
	snprintf(wild, sizeof(wild), "*%s", at);
	key = wild;
	return bsearch(&key, d->rcpts, d->nrcpt, sizeof(char *),
	    str_casecmp) != NULL;
}

enum policy_result
policy_check(const char *domain, const char *rcpt)
{
	struct snapshot *s;
	struct pdomain *d;
	enum policy_result r;

	pthread_mutex_lock(&pl.lock);
	if ((s = pl.cur) != NULL)
		s->refs++;
	pthread_mutex_unlock(&pl.lock);
	if (s == NULL || !s->ok)
		r = POLICY_TEMPFAIL;
	else if ((d = policy_find(s, domain)) == NULL)
		r = POLICY_NO_RELAY;
	else if (d->listed && !policy_listed(d, rcpt))
		r = POLICY_NO_USER;
	else if (d->hold_off)
		r = POLICY_PRIMARY_UP;
	else
		r = POLICY_ACCEPT;
	snapshot_unref(s);
	return r;
}
