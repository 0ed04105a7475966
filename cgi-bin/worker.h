/*
 * worker — one FastCGI worker thread: its own FCGX_Request and its own
 * SQLite connection, taking requests from the shared listening socket
 * until the socket is shut down.
 *
 * Threads take turns in FCGX_Accept_r() under one accept mutex (measured
 * faster than letting all of them sleep in accept).  Signals are blocked
 * before the threads start, so they inherit the mask and only the main
 * thread's sigwait() sees SIGTERM, SIGINT and SIGHUP.
 *
 * Errors: worker_start() returns 0 or -1 (errno-style reason in err).
 * worker_db() returns NULL when the database cannot be used; the reason
 * is logged once per outage, not once per request.
 * Memory: the caller owns the struct worker array; a worker owns its
 * database connection and closes it when its thread ends.
 */
#ifndef BMX_WORKER_H
#define BMX_WORKER_H

#include <pthread.h>
#include <sys/types.h>

#include "config.h"
#include "db.h"

struct worker {
	int		 n;		/* 1.., for log lines */
	int		 listen_fd;
	pthread_mutex_t	*accept_lock;
	const struct config *cf;

	pthread_t	 thread;
	struct db	*db;		/* NULL until opened, or after a failure */
	dev_t		 db_dev;	/* the file db was opened on */
	ino_t		 db_ino;
	int		 db_down;	/* the outage has been logged */
};

int		 worker_start(struct worker *w, char *err, size_t errsz);
void		 worker_join(struct worker *w);

/*
 * The worker's database connection, opened (or reopened) when needed.
 * A connection is reopened when the file at cf->db is no longer the one
 * it was opened on (moved away, restored from backup): a long-lived
 * connection would otherwise keep reading the old file and the health
 * check would vouch for a database the panel no longer has.
 */
struct db	*worker_db(struct worker *w);

#endif
