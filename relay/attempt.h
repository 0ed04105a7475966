/*
 * attempt — what happens to one queued message in one delivery attempt:
 * load its envelope, hand it to deliver, turn outcomes into queue state,
 * Postfix-style log lines and, for recipients that failed for good, a
 * delivery status notification queued back to the sender.  Expiry after
 * max_queue_lifetime goes through the same path.
 *
 * The order is what keeps mail from vanishing: a DSN is committed to the
 * queue before the bounced recipient is marked, and the message file is
 * removed only after its row is gone.  A crash in between repeats work
 * (a duplicate delivery or DSN), never loses it.
 *
 * Each function runs on the caller's thread with the caller's database
 * connection; 0 on success, -1 on a database or spool problem (the
 * message stays queued).
 */
#ifndef BMX_ATTEMPT_H
#define BMX_ATTEMPT_H

#include <stddef.h>

#include "db.h"
#include "deliver.h"
#include "scheduler.h"

struct attempt_ctx {
	const struct sched_opts	*o;
	struct db		*db;
};

/*
 * Deliver message id through conn to target.  Returns 0 when the primary
 * answered (outcomes recorded), -1 when the transport failed (nothing
 * recorded: the caller may try another host, or call attempt_fail()),
 * with the reason in why.
 */
int	attempt_message(struct attempt_ctx *, struct deliver_conn *,
	    const struct deliver_target *, const char *id, char *why,
	    size_t whysz);

/*
 * Record a failure that happened before any primary answered (DNS, no
 * host reachable, loops back to myself) for every queued recipient of
 * id: permanent → bounced with a DSN; else deferred to the next probe.
 */
int	attempt_fail(struct attempt_ctx *, const char *id, int permanent,
	    const char *dsn, const char *why);

/* Return an expired message's queued recipients to the sender. */
int	attempt_expire(struct attempt_ctx *, const char *id);

#endif
