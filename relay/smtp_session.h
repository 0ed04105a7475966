/*
 * smtp_session — one inbound SMTP conversation, as an explicit state
 * machine driven by a command table (check, then act).  Runs on its own
 * thread; blocks only in conn reads and the spool's group commit.
 *
 * Every reply carries an enhanced status code.  The session acknowledges
 * a message (250 after the final dot) only when spool_commit() said the
 * message and its envelope are on stable storage.
 */
#ifndef BMX_SMTP_SESSION_H
#define BMX_SMTP_SESSION_H

#include <stdint.h>

#include <openssl/ssl.h>

/* What a session needs of the configuration: copied at session start. */
struct relay_opts {
	char		 myhostname[256];
	int64_t		 size_limit;
	int		 max_rcpt;
	int		 cmd_timeout, data_timeout;
	int64_t		 min_free;
	int64_t		 lifetime;
	SSL_CTX		*tls;		/* NULL: no STARTTLS */
};

/* Run a whole session on fd (non-blocking socket); closes fd. */
void	smtp_session_run(int fd, const char *peer_ip,
	    const struct relay_opts *, const int *stop);

#endif
