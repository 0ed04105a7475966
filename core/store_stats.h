/*
 * store_stats — the relay's writes for the queue dashboards: hourly
 * samples of the queue per domain (kept QVIEW_HOURS, older rows pruned)
 * and the state of owner notifications ("mail is queuing for your
 * domain", daily reminders, "the queue has drained").
 *
 * Deliveries and bounces are counted by a trigger on queue_attempt
 * (schema migration 8), inside the transaction that records them.
 *
 * Errors: STORE_OK or STORE_ERROR, reason in db->err.
 * Memory: stats_notices() returns a malloc'd array; free() it.
 */
#ifndef BMX_STORE_STATS_H
#define BMX_STORE_STATS_H

#include "store.h"

/* Record the queue as it is now in the samples of now's hour, drop
 * samples older than keep seconds. */
int	stats_sample(struct db *, int64_t now, int64_t keep);

enum notice_kind { NOTICE_NONE, NOTICE_START, NOTICE_DAILY, NOTICE_DRAIN };

struct notice {
	enum notice_kind kind;
	char	domain[VALID_NAME_MAX];
	char	email[VALID_ADDR_MAX];		/* the owner's contact */
	int64_t	nmsg, bytes, oldest, since, next_probe;
	char	last_error[256];
};

/*
 * Domains whose owner is due a notification at now (notify on, owner
 * with a contact address): queuing started (a queued recipient of
 * node's mail has failed an attempt), a day since the last one while
 * the queue persists, or drained.  Returned mail (DSNs) does not count.
 */
int	stats_notices(struct db *, const char *node, int64_t now,
	    struct notice **list, size_t *n);
/* The notification was queued: remember it (a drain forgets). */
int	stats_notice_sent(struct db *, const struct notice *, int64_t now);

#endif
