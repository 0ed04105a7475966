/*
 * worker — the FastCGI accept loop of one thread.  See worker.h.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <fcgiapp.h>

#include "http.h"
#include "log.h"
#include "page.h"
#include "worker.h"

static struct db *
worker_db_fail(struct worker *w, const char *why)
{
	w->db = db_close(w->db);
	if (!w->db_down)
		log_event(LOG_ERR, NULL, "worker %d: database unavailable: %s",
		    w->n, why);
	w->db_down = 1;
	return NULL;
}

static struct db *
worker_db_open(struct worker *w, const struct stat *st)
{
	char err[DB_ERR_MAX];

	if ((w->db = db_open_private(w->cf->db, err)) == NULL)
		return worker_db_fail(w, err);
	if (db_check_version(w->db) == -1) {
		util_strlcpy(err, db_error(w->db), sizeof(err));
		return worker_db_fail(w, err);
	}
	w->db_dev = st->st_dev;
	w->db_ino = st->st_ino;
	return w->db;
}

struct db *
worker_db(struct worker *w)
{
	char why[DB_ERR_MAX];
	struct stat st;

	if (stat(w->cf->db, &st) == -1) {
		snprintf(why, sizeof(why), "%.200s: %s", w->cf->db,
		    strerror(errno));
		return worker_db_fail(w, why);
	}
	if (w->db != NULL && (st.st_dev != w->db_dev ||
	    st.st_ino != w->db_ino))
		w->db = db_close(w->db);	/* the file was replaced */
	if (w->db == NULL && worker_db_open(w, &st) == NULL)
		return NULL;
	if (w->db_down) {
		log_event(LOG_INFO, NULL, "worker %d: database available again",
		    w->n);
		w->db_down = 0;
	}
	return w->db;
}

static void
worker_handle(struct worker *w, FCGX_Request *f)
{
	struct req r;
	int status;

	if ((status = http_req_init(&r, f, w)) != 0)
		page_error(&r, status, NULL);
	else
		page_dispatch(&r);
	http_req_free(&r);
}

/*
 * Let FCGX_Finish_r() close the connection at once.  By default libfcgi
 * shuts down its side and then waits (up to 2 s) for nginx to close
 * first, so that nothing unread is left for a TCP reset to throw away;
 * that parks the thread until nginx gets round to it, and on two busy
 * cores nginx often waits its turn behind the very threads parked on it.
 * Once the request has been read to its end (the empty FCGI_STDIN record
 * nginx sends after the body, or right after the parameters of a GET)
 * nothing unread can be left, and a plain close is safe: FCGX_Detach()
 * asks for one.  A body the page did not read (an early 413 or 403) is
 * read and dropped here, up to WORKER_DRAIN_MAX octets; past that the
 * connection keeps the careful close.
 */
#define WORKER_DRAIN_MAX	(64 * 1024)

static void
worker_release(FCGX_Request *f)
{
	char buf[4096];
	int n, left = WORKER_DRAIN_MAX;

	while (left > 0 && (n = FCGX_GetStr(buf, sizeof(buf), f->in)) > 0)
		left -= n;
	if (FCGX_HasSeenEOF(f->in) == EOF)
		(void)FCGX_Detach(f);
}

/* One request, or a negative value once the listening socket is shut. */
static int
worker_accept(struct worker *w, FCGX_Request *f)
{
	int rc;

	pthread_mutex_lock(w->accept_lock);
	rc = FCGX_Accept_r(f);
	pthread_mutex_unlock(w->accept_lock);
	return rc;
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	FCGX_Request f;

	if (FCGX_InitRequest(&f, w->listen_fd, 0) != 0) {
		log_event(LOG_ERR, NULL, "worker %d: FCGX_InitRequest failed",
		    w->n);
		return NULL;
	}
	(void)worker_db(w);	/* connect now; an outage is logged here */
	while (worker_accept(w, &f) >= 0) {
		worker_handle(w, &f);
		worker_release(&f);
		FCGX_Finish_r(&f);
	}
	FCGX_Free(&f, 0);	/* the failed accept left no connection */
	w->db = db_close(w->db);
	return NULL;
}

int
worker_start(struct worker *w, char *err, size_t errsz)
{
	int rc;

	if ((rc = pthread_create(&w->thread, NULL, worker_main, w)) != 0) {
		snprintf(err, errsz, "worker %d: pthread_create: %s", w->n,
		    strerror(rc));
		return -1;
	}
	return 0;
}

void
worker_join(struct worker *w)
{
	pthread_join(w->thread, NULL);
}
