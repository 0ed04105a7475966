/*
 * panel — backupmx.fcgi, the web panel: one long-lived, multi-threaded
 * FastCGI server behind nginx.
 *
 *   usage: backupmx.fcgi [-c FILE] [-f]
 *
 * main() reads as a checklist: options, configuration, logging,
 * libsodium and templates, a database that is there and migrated, the
 * listening socket, signals blocked, workers started; then the main
 * thread waits in sigwait().  SIGHUP drops changed templates from the
 * cache.  SIGTERM or SIGINT: stop accepting, let every worker finish its
 * request, remove the socket and exit 0.  (libfcgi's own SIGTERM handler
 * only sets a flag that threads blocked in accept() never look at, hence
 * FCGX_ShutdownPending() plus shutdown() of the listening socket.)
 *
 * Errors: start-up problems are fatal() (logged, exit 1); usage errors
 * exit 2.  Nothing after start-up exits the process.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "auth.h"
#include <sqlite3.h>

#include "config.h"
#include "zone.h"
#include "db.h"
#include "listen.h"
#include "log.h"
#include "tpl.h"
#include "util.h"
#include "worker.h"

#define PANEL_IDENT "backupmx.fcgi"

struct panel_opts {
	const char	*conf;		/* -c, or NULL */
	int		 foreground;	/* -f: log to stderr */
};

static void
panel_usage(void)
{
	fprintf(stderr, "usage: %s [-c FILE] [-f]\n", PANEL_IDENT);
	exit(2);
}

static void
panel_options(int argc, char **argv, struct panel_opts *o)
{
	int ch;

	memset(o, 0, sizeof(*o));
	while ((ch = getopt(argc, argv, "c:f")) != -1) {
		switch (ch) {
		case 'c':
			o->conf = optarg;
			break;
		case 'f':
			o->foreground = 1;
			break;
		default:
			panel_usage();
		}
	}
	if (optind != argc)
		panel_usage();
}

/* An explicit -c file must exist; the default one may be absent. */
static void
panel_config(const struct panel_opts *o, struct config *cf)
{
	char err[CONFIG_ERR_MAX];

	if (config_load(cf, config_path(o->conf), o->conf != NULL,
	    err) == -1)
		fatal("%s", err);
}

static void
panel_templates(const struct config *cf)
{
	char layout[PATH_MAX];

	snprintf(layout, sizeof(layout), "%s/layout.tpl", cf->template_dir);
	if (access(layout, R_OK) == -1)
		fatal("templates: %s: %s", layout, strerror(errno));
	if (tpl_init(cf->template_dir) == -1)
		fatal("templates: cannot use %s", cf->template_dir);
}

/* Refuse to serve on a missing or unmigrated database. */
static void
panel_database(const struct config *cf)
{
	char err[DB_ERR_MAX];
	struct db *db;

	if ((db = db_open(cf->db, 0, err)) == NULL)
		fatal("database %s", err);
	if (db_check_version(db) == -1) {
		util_strlcpy(err, db_error(db), sizeof(err));
		db_close(db);
		fatal("database %s: %s", cf->db, err);
	}
	db_close(db);
}

/* Before any thread exists, so every worker inherits the mask. */
static void
panel_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGHUP);
	if (pthread_sigmask(SIG_BLOCK, set, NULL) != 0)
		fatal("pthread_sigmask failed");
	signal(SIGPIPE, SIG_IGN);	/* nginx hanging up is EPIPE, not death */
}

static struct worker *
panel_workers(const struct config *cf, int fd, pthread_mutex_t *lock)
{
	struct worker *w;
	char err[256];
	long i;

	if ((w = calloc((size_t)cf->panel_threads, sizeof(*w))) == NULL)
		fatal("out of memory");
	for (i = 0; i < cf->panel_threads; i++) {
		w[i].n = (int)i + 1;
		w[i].listen_fd = fd;
		w[i].accept_lock = lock;
		w[i].cf = cf;
		if (worker_start(&w[i], err, sizeof(err)) == -1)
			fatal("%s", err);
	}
	return w;
}

/* Until SIGTERM or SIGINT; returns the signal. */
static int
panel_wait(const sigset_t *set)
{
	int sig;

	for (;;) {
		if (sigwait(set, &sig) != 0)
			continue;
		if (sig != SIGHUP)
			return sig;
		tpl_reload();
		log_event(LOG_INFO, NULL, "SIGHUP: changed templates reloaded");
	}
}

/* Stop accepting, let each worker finish its request, clean up. */
static void
panel_stop(struct listener *l, struct worker *w, long n)
{
	long i;

	FCGX_ShutdownPending();
	listen_shutdown(l);	/* wakes the thread blocked in accept() */
	for (i = 0; i < n; i++)
		worker_join(&w[i]);
	listen_close(l);
}

int
main(int argc, char **argv)
{
	pthread_mutex_t accept_lock = PTHREAD_MUTEX_INITIALIZER;
	struct panel_opts o;
	struct config cf;
	struct listener l;
	struct worker *w;
	char err[512];
	sigset_t set;
	int sig;

	/* No global allocation statistics: they put one lock around every
	 * SQLite allocation, and the workers would take turns on it. */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	panel_options(argc, argv, &o);
	log_init(PANEL_IDENT, o.foreground);
	panel_config(&o, &cf);
	zone_set_backup_hosts(cf.mx_names);	/* BackupMX provisioning */
	if (auth_init() == -1)
		fatal("libsodium initialisation failed");
	panel_templates(&cf);
	panel_database(&cf);
	if (FCGX_Init() != 0)
		fatal("FCGX_Init failed");
	if (listen_open(&l, cf.panel_listen, err, sizeof(err)) == -1)
		fatal("%s", err);
	panel_signals(&set);
	w = panel_workers(&cf, l.fd, &accept_lock);
	log_event(LOG_INFO, NULL, "listening on %s with %ld threads, "
	    "database %s", cf.panel_listen, cf.panel_threads, cf.db);

	sig = panel_wait(&set);
	log_event(LOG_INFO, NULL, "%s: finishing open requests",
	    sig == SIGTERM ? "SIGTERM" : "SIGINT");
	panel_stop(&l, w, cf.panel_threads);
	free(w);
	config_free(&cf);
	log_event(LOG_INFO, NULL, "stopped");
	return 0;
}
