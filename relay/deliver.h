/*
 * deliver — one SMTP transaction (or a liveness probe) to a primary, with
 * libcurl's SMTP client: EHLO with our name, opportunistic STARTTLS
 * (certificates not verified: opportunistic TLS must not fail closed),
 * the original envelope sender, SIZE=, every recipient, the spooled text.
 *
 * libcurl reports only the last reply, so the per-recipient replies are
 * read from its protocol trace (CURLOPT_DEBUGFUNCTION): each RCPT TO: is
 * followed by its reply (see STACK-NOTES).
 *
 * deliver_decide() is the one place that decides sent / deferred /
 * bounced from what happened.
 *
 * A struct deliver_conn holds a curl handle that keeps its connection
 * open between messages to the same target; it belongs to one thread.
 */
#ifndef BMX_DELIVER_H
#define BMX_DELIVER_H

#include <stddef.h>
#include <stdint.h>

#define DELIVER_TEXT_MAX 512

enum deliver_outcome { DELIVER_SENT, DELIVER_DEFER, DELIVER_BOUNCE };

struct deliver_target {
	char	host[256];	/* name for logs: relay=host[ip]:port */
	char	ip[64];
	int	port;
};

struct deliver_rcpt {
	const char		*address;
	int			 code;		/* reply to RCPT, 0 when none */
	enum deliver_outcome	 outcome;
	char			 dsn[16];	/* X.Y.Z */
	char			 text[DELIVER_TEXT_MAX];	/* reply or reason */
};

struct deliver_times {
	double	connect, pretransfer, total;	/* seconds, from curl */
};

struct deliver_conn;

struct deliver_conn *deliver_conn_new(const char *myhostname);
struct deliver_conn *deliver_conn_free(struct deliver_conn *);

/*
 * Send the message at path (size octets) from sender to the n recipients.
 * Fills every rcpt's outcome, dsn and text.  Returns 0 when the primary
 * answered (whatever it said), -1 when the transport failed before the
 * transaction completed (the destination is then considered down; every
 * recipient is DELIVER_DEFER).
 */
int	deliver_message(struct deliver_conn *, const struct deliver_target *,
	    const char *sender, const char *path, int64_t size,
	    struct deliver_rcpt *rcpt, size_t n, struct deliver_times *);

/* Greeting, EHLO, NOOP, QUIT.  0 when the primary is up, else -1 with why. */
int	deliver_probe(const struct deliver_target *, const char *myhostname,
	    char *why, size_t whysz);

/*
 * The decision: transport_ok says whether the primary's reply can be
 * trusted (a transport error is temporary whatever the code says); code
 * is the SMTP reply code that settles this recipient.
 */
enum deliver_outcome deliver_decide(int transport_ok, int code);

#endif
