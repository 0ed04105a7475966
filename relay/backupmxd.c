/*
 * backupmxd — the relay: listens for SMTP, runs one thread per session,
 * and (from the next issue on) delivers the queue to the primaries.
 *
 * main() reads as a checklist: options → configuration → logging → TLS →
 * spool (recovery, committer) → recipient policy → listeners → accept
 * loop.  Signals are blocked in every thread and read from a signalfd in
 * the accept loop: SIGTERM/SIGINT stop accepting, every session answers
 * 421 4.3.2 at its next wait, commits in flight finish, exit 0.  SIGHUP
 * reloads the configuration (new sessions see it; listeners stay).
 */
#define _GNU_SOURCE	/* accept4 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sodium.h>
#include <sqlite3.h>

#include "config.h"
#include "dns.h"
#include "log.h"
#include "notify.h"
#include "policy.h"
#include "scheduler.h"
#include "smtp_session.h"
#include "spool.h"
#include "util.h"

#define MAX_LISTEN 16

struct client_count {
	char	ip[64];
	int	n;
};

static struct {
	struct config	 cf;
	const char	*conf_path;
	int		 conf_explicit;
	struct relay_opts opts;		/* current; copied per session */
	pthread_mutex_t	 lock;
	int		 active;
	struct client_count *clients;	/* max_connections entries */
	int		 stop;
	int		 lfd[MAX_LISTEN];
	int		 nlisten;
} d = { .lock = PTHREAD_MUTEX_INITIALIZER };

struct session_arg {
	int			fd;
	char			ip[64];
	struct relay_opts	o;
};

static SSL_CTX *
relay_tls(const struct config *cf, char *err, size_t errsz)
{
	SSL_CTX *ctx;

	if (cf->tls_cert == NULL)
		return NULL;
	if ((ctx = SSL_CTX_new(TLS_server_method())) == NULL ||
	    SSL_CTX_use_certificate_chain_file(ctx, cf->tls_cert) != 1 ||
	    SSL_CTX_use_PrivateKey_file(ctx, cf->tls_key, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1) {
		snprintf(err, errsz, "TLS with %s and %s: %s", cf->tls_cert,
		    cf->tls_key, ERR_reason_error_string(ERR_get_error()));
		SSL_CTX_free(ctx);
		return (SSL_CTX *)-1;
	}
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	return ctx;
}

/* Build the session options of a configuration; -1 on a TLS problem. */
static int
relay_opts_make(const struct config *cf, struct relay_opts *o, char *err,
    size_t errsz)
{
	SSL_CTX *ctx = relay_tls(cf, err, errsz);

	if (ctx == (SSL_CTX *)-1)
		return -1;
	memset(o, 0, sizeof(*o));
	util_strlcpy(o->myhostname, cf->myhostname, sizeof(o->myhostname));
	o->size_limit = cf->message_size_limit;
	o->max_rcpt = (int)cf->max_recipients;
	o->cmd_timeout = (int)cf->smtp_timeout;
	o->data_timeout = (int)cf->smtp_data_timeout;
	o->min_free = cf->min_free_space;
	o->lifetime = cf->max_queue_lifetime;
	o->tls = ctx;
	return 0;
}

static int
relay_listen_one(const char *spec, char *err, size_t errsz)
{
	char host[VALID_NAME_MAX], verr[VALID_ERR_MAX], port[16];
	struct addrinfo hints, *res, *ai;
	int p, fd, on = 1, rc;

	if (valid_hostport(spec, host, &p, 25, verr) == -1) {
		snprintf(err, errsz, "smtp_listen %s: %s", spec, verr);
		return -1;
	}
	snprintf(port, sizeof(port), "%d", p);
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE;
	if ((rc = getaddrinfo(host, port, &hints, &res)) != 0) {
		snprintf(err, errsz, "smtp_listen %s: %s", spec, gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai != NULL && d.nlisten < MAX_LISTEN; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC |
		    SOCK_NONBLOCK, 0);
		if (fd == -1)
			continue;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
		if (ai->ai_family == AF_INET6)
			setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on));
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) == -1 ||
		    listen(fd, 512) == -1) {
			snprintf(err, errsz, "cannot listen on %s: %s", spec,
			    strerror(errno));
			close(fd);
			freeaddrinfo(res);
			return -1;
		}
		d.lfd[d.nlisten++] = fd;
	}
	freeaddrinfo(res);
	return 0;
}

static int
relay_listen(const char *list, char *err, size_t errsz)
{
	char buf[1024], *tok, *save = NULL;

	util_strlcpy(buf, list, sizeof(buf));
	for (tok = strtok_r(buf, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		while (*tok == ' ')
			tok++;
		if (relay_listen_one(tok, err, errsz) == -1)
			return -1;
	}
	return 0;
}

/* Count a new client; 0 when it may proceed, else the 421 to send. */
static const char *
relay_admit(const char *ip)
{
	int i, free_slot = -1;
	const char *why = NULL;

	pthread_mutex_lock(&d.lock);
	if (d.active >= d.cf.max_connections)
		why = "too many connections";
	for (i = 0; why == NULL && i < d.cf.max_connections; i++) {
		if (d.clients[i].n == 0) {
			if (free_slot == -1)
				free_slot = i;
			continue;
		}
		if (strcmp(d.clients[i].ip, ip) != 0)
			continue;
		if (d.clients[i].n >= d.cf.max_connections_per_client)
			why = "too many connections from your address";
		else {
			d.clients[i].n++;
			d.active++;
		}
		pthread_mutex_unlock(&d.lock);
		return why;
	}
	if (why == NULL && free_slot != -1) {
		util_strlcpy(d.clients[free_slot].ip, ip, 64);
		d.clients[free_slot].n = 1;
		d.active++;
	}
	pthread_mutex_unlock(&d.lock);
	return why;
}

static void
relay_release(const char *ip)
{
	int i;

	pthread_mutex_lock(&d.lock);
	for (i = 0; i < d.cf.max_connections; i++)
		if (d.clients[i].n > 0 && strcmp(d.clients[i].ip, ip) == 0) {
			d.clients[i].n--;
			break;
		}
	d.active--;
	pthread_mutex_unlock(&d.lock);
}

static void *
relay_session_thread(void *p)
{
	struct session_arg *a = p;

	smtp_session_run(a->fd, a->ip, &a->o, &d.stop);
	relay_release(a->ip);
	SSL_CTX_free(a->o.tls);
	free(a);
	return NULL;
}

static void
relay_peer(const struct sockaddr_storage *ss, char *ip, size_t ipsz)
{
	if (ss->ss_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ss)->sin6_addr,
		    ip, (socklen_t)ipsz);
	else
		inet_ntop(AF_INET, &((const struct sockaddr_in *)ss)->sin_addr,
		    ip, (socklen_t)ipsz);
}

static void
relay_accept(int lfd, pthread_attr_t *attr)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	struct session_arg *a;
	const char *why;
	pthread_t t;
	char msg[400];
	int fd;

	if ((fd = accept4(lfd, (struct sockaddr *)&ss, &sl, SOCK_NONBLOCK |
	    SOCK_CLOEXEC)) == -1)
		return;
	if ((a = calloc(1, sizeof(*a))) == NULL) {
		close(fd);
		return;
	}
	a->fd = fd;
	relay_peer(&ss, a->ip, sizeof(a->ip));
	if ((why = relay_admit(a->ip)) != NULL) {
		int n = snprintf(msg, sizeof(msg), "421 4.7.0 %s Error: %s\r\n",
		    d.opts.myhostname, why);
		if (send(fd, msg, (size_t)n, MSG_NOSIGNAL) < 0)
			log_event(LOG_INFO, NULL, "[%s]: %s", a->ip,
			    strerror(errno));
		log_event(LOG_WARNING, NULL, "refused [%s]: %.*s", a->ip, n - 2,
		    msg);
		close(fd);
		free(a);
		return;
	}
	a->o = d.opts;
	if (a->o.tls != NULL)
		SSL_CTX_up_ref(a->o.tls);
	if (pthread_create(&t, attr, relay_session_thread, a) != 0) {
		relay_release(a->ip);
		SSL_CTX_free(a->o.tls);
		close(fd);
		free(a);
	}
}

static void
relay_reload(void)
{
	struct config ncf;
	struct relay_opts no;
	char err[CONFIG_ERR_MAX];

	if (config_load(&ncf, d.conf_path, d.conf_explicit, err) == -1) {
		log_event(LOG_ERR, NULL, "reload refused: %s", err);
		return;
	}
	if (relay_opts_make(&ncf, &no, err, sizeof(err)) == -1) {
		log_event(LOG_ERR, NULL, "reload refused: %s", err);
		config_free(&ncf);
		return;
	}
	if (strcmp(ncf.smtp_listen, d.cf.smtp_listen) != 0 ||
	    strcmp(ncf.db, d.cf.db) != 0 ||
	    strcmp(ncf.spool_dir, d.cf.spool_dir) != 0 ||
	    ncf.max_connections != d.cf.max_connections)
		log_event(LOG_WARNING, NULL, "reload: smtp_listen, db, spool_dir "
		    "and max_connections change only with a restart");
	pthread_mutex_lock(&d.lock);
	ncf.max_connections = d.cf.max_connections;
	SSL_CTX_free(d.opts.tls);
	d.opts = no;
	config_free(&d.cf);
	d.cf = ncf;
	pthread_mutex_unlock(&d.lock);
	policy_touch();
	log_event(LOG_INFO, NULL, "configuration reloaded from %s", d.conf_path);
}

/* Wait for connections and signals until SIGTERM/SIGINT. */
static void
relay_serve(int sfd)
{
	struct pollfd p[MAX_LISTEN + 1];
	struct signalfd_siginfo si;
	pthread_attr_t attr;
	int i;

	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, 256 * 1024);
	for (i = 0; i < d.nlisten; i++)
		p[i] = (struct pollfd){ d.lfd[i], POLLIN, 0 };
	p[d.nlisten] = (struct pollfd){ sfd, POLLIN, 0 };
	for (;;) {
		if (poll(p, (nfds_t)d.nlisten + 1, -1) == -1 && errno != EINTR)
			fatal("poll: %s", strerror(errno));
		if (p[d.nlisten].revents & POLLIN &&
		    read(sfd, &si, sizeof(si)) == sizeof(si)) {
			/* SIGPIPE is in the set only to keep it blocked. */
			if (si.ssi_signo == SIGHUP)
				relay_reload();
			else if (si.ssi_signo != SIGPIPE)
				break;
		}
		for (i = 0; i < d.nlisten; i++)
			if (p[i].revents & POLLIN)
				relay_accept(d.lfd[i], &attr);
	}
	pthread_attr_destroy(&attr);
}

/* Stop: close listeners, let sessions say 421, wait for them. */
static void
relay_stop(void)
{
	struct timespec tick = { 0, 50 * 1000 * 1000 };
	int i, n, waited;

	for (i = 0; i < d.nlisten; i++)
		close(d.lfd[i]);
	__atomic_store_n(&d.stop, 1, __ATOMIC_RELAXED);
	for (waited = 0; waited < 600; waited++) {
		pthread_mutex_lock(&d.lock);
		n = d.active;
		pthread_mutex_unlock(&d.lock);
		if (n == 0)
			break;
		nanosleep(&tick, NULL);
	}
	sched_stop();	/* before the spool: runners queue bounces */
	spool_shutdown();
	policy_shutdown();
	log_event(LOG_INFO, NULL, "stopped%s", n ? " with sessions open" : "");
}

static void
relay_sched_start(void)
{
	struct sched_opts so;
	char err[256];

	memset(&so, 0, sizeof(so));
	util_strlcpy(so.node, d.cf.myhostname, sizeof(so.node));
	util_strlcpy(so.dbpath, d.cf.db, sizeof(so.dbpath));
	util_strlcpy(so.spool_dir, d.cf.spool_dir, sizeof(so.spool_dir));
	util_strlcpy(so.mx_names, d.cf.mx_names, sizeof(so.mx_names));
	so.probe_interval = d.cf.probe_interval;
	so.lifetime = d.cf.max_queue_lifetime;
	so.port = (int)d.cf.delivery_port;
	so.concurrency = (int)d.cf.delivery_concurrency;
	notify_init(d.cf.myhostname, d.cf.panel_url, d.cf.max_queue_lifetime);
	if (sched_start(&so, err, sizeof(err)) == -1)
		fatal("%s", err);
}

static void
relay_start(int foreground)
{
	char err[CONFIG_ERR_MAX];
	int removed;

	log_init("backupmxd", foreground);
	if (sodium_init() < 0)
		fatal("cannot initialise libsodium");
	if (relay_opts_make(&d.cf, &d.opts, err, sizeof(err)) == -1)
		fatal("%s", err);
	if ((d.clients = calloc((size_t)d.cf.max_connections,
	    sizeof(*d.clients))) == NULL)
		fatal("out of memory");
	if (spool_init(d.cf.spool_dir, d.cf.db, d.cf.myhostname, &removed,
	    err) == -1)
		fatal("spool: %s", err);
	if (removed > 0)
		log_event(LOG_WARNING, NULL, "recovery: removed %d unacknowledged "
		    "spool file(s)", removed);
	if (policy_init(d.cf.db, err, sizeof(err)) == -1)
		fatal("%s", err);
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		fatal("cannot initialise libcurl");
	if (dns_init(d.cf.dns_resolver, err) == -1)
		fatal("dns_resolver: %s", err);
	relay_sched_start();
	if (relay_listen(d.cf.smtp_listen, err, sizeof(err)) == -1)
		fatal("%s", err);
}

int
main(int argc, char **argv)
{
	char err[CONFIG_ERR_MAX];
	sigset_t set;
	int ch, foreground = 0, sfd;

	/* No global allocation statistics: they put one lock around every
	 * SQLite allocation of every thread. */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	while ((ch = getopt(argc, argv, "c:f")) != -1) {
		if (ch == 'c') {
			d.conf_path = optarg;
			d.conf_explicit = 1;
		} else if (ch == 'f')
			foreground = 1;
		else {
			fprintf(stderr, "usage: backupmxd [-c FILE] [-f]\n");
			return 2;
		}
	}
	d.conf_path = config_path(d.conf_path);
	if (config_load(&d.cf, d.conf_path, d.conf_explicit, err) == -1) {
		fprintf(stderr, "backupmxd: %s\n", err);
		return 1;
	}
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	if ((sfd = signalfd(-1, &set, SFD_CLOEXEC)) == -1)
		fatal("signalfd: %s", strerror(errno));
	if (!foreground && daemon(1, 0) == -1)
		fatal("daemon: %s", strerror(errno));
	relay_start(foreground);
	log_event(LOG_INFO, NULL, "listening on %s as %s", d.cf.smtp_listen,
	    d.cf.myhostname);
	relay_serve(sfd);
	relay_stop();
	SSL_CTX_free(d.opts.tls);
	free(d.clients);
	config_free(&d.cf);
	return 0;
}
