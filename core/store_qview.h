/*
 * store_qview — what the queue dashboards and /metrics read, and the
 * panel's queue actions: the per-domain overview, a domain's messages
 * (sorted, paged, filtered), the age histogram, the hourly history, the
 * counters, "deliver now" (rate-limited per domain), delete, hold and
 * release (rows in queue_command the relay carries out) and the
 * per-domain notification switch.
 *
 * Scoping as in store.h: a customer sees the domains of its BackupMX
 * records and portfolio; a domain outside the actor's view is
 * STORE_NOTFOUND, exactly like one that does not exist.  An admin sees
 * every record's domain and every domain with queued mail (bounces to
 * senders included).
 *
 * Errors: STORE_OK or a negative enum store_rc, reason in db->err.
 * Memory: lists are malloc'd; free them with the matching *_free().
 */
#ifndef BMX_STORE_QVIEW_H
#define BMX_STORE_QVIEW_H

#include "store.h"

#define QVIEW_HOURS	(14 * 24)	/* the history the charts show */
#define QVIEW_AGE_BINS	7

/* Upper bounds (seconds) of the age histogram's bins; the last is open. */
extern const int64_t qview_age_bounds[QVIEW_AGE_BINS - 1];
extern const char *const qview_age_labels[QVIEW_AGE_BINS];

/* One domain's queue at a glance. */
struct qview_dom {
	char	domain[VALID_NAME_MAX];
	char	idn[VALID_NAME_MAX * 4];	/* "" without a record */
	char	owner[ACCOUNT_NAME_MAX];	/* "" without a record */
	int	has_record, notify;
	int64_t	nmsg, bytes, held;
	int64_t	oldest;			/* arrival of the oldest, 0: none */
	int64_t	first_expiry;		/* 0: none */
	int64_t	next_attempt;		/* earliest, of unheld mail; 0: none */
	int64_t	last_delivery;		/* 0: never */
	int64_t	delivered, bounced;	/* recipients, ever */
	struct dest_state dest;		/* the primary as last probed */
	int64_t	flush_requested, flush_done;	/* latest "deliver now" */
	char	flush_by[ACCOUNT_NAME_MAX + 16];
};

struct qview_overq {
	const char	*customer;	/* admin's filter by owner, or NULL */
	int		 only_queued;	/* domains with queued mail only */
	int64_t		 page, per_page;	/* page is clamped to the last */
};

/* How many domains the query covers (all pages).  No message totals:
 * they would read every queued message of the scope on every visit; the
 * pictures show the whole queue instead. */
struct qview_sum {
	int64_t	ndom;
};

int	qview_overview(struct db *, const struct actor *, struct qview_overq *,
	    struct qview_dom **list, size_t *n, struct qview_sum *sum);
/* One domain (either form is not accepted: the A-label). */
int	qview_domain(struct db *, const struct actor *, const char *domain,
	    struct qview_dom *);

enum qview_sort { QVIEW_SORT_ARRIVAL, QVIEW_SORT_SIZE, QVIEW_SORT_SENDER };

struct qview_msgq {
	const char	*domain;
	const char	*sender;	/* substring, any case; NULL: any */
	const char	*rcpt;		/* substring of any recipient */
	enum qview_sort	 sort;
	int		 desc;
	int64_t		 page, per_page;
};

struct qview_msg {
	char	id[32];
	char	sender[VALID_ADDR_MAX];
	int64_t	size, arrival, expires, next_attempt;
	int	attempts, held;
	char	*rcpts;		/* "address state\n" per recipient */
	char	*last_error;	/* the latest reply or reason, "" none */
};

/* A domain's messages (the caller checked the domain with
 * qview_domain()); *total counts every match. */
int	qview_messages(struct db *, struct qview_msgq *, struct qview_msg **list,
	    size_t *n, int64_t *total);
void	qview_messages_free(struct qview_msg *, size_t n);

/* Queued messages by age at now; domain NULL: all the actor sees. */
int	qview_ages(struct db *, const struct actor *, const char *domain,
	    int64_t now, int64_t bins[QVIEW_AGE_BINS]);

struct qview_hour {
	int64_t	hour, queued, bytes, delivered, bounced;
};
/* QVIEW_HOURS hours ending with the one holding now, oldest first;
 * hours without a sample are zero. */
int	qview_history(struct db *, const struct actor *, const char *domain,
	    int64_t now, struct qview_hour out[QVIEW_HOURS]);

/* "Deliver now": STORE_EXISTS (and *wait seconds) when the domain's last
 * request is younger than min_interval. */
int	qview_flush(struct db *, const struct actor *, const char *domain,
	    int64_t min_interval, int64_t *wait);
/* delete / hold / release one message of domain (hold and release for
 * admins only); audited.  STORE_NOTFOUND when it is not there. */
int	qview_msg_command(struct db *, const struct actor *, const char *domain,
	    const char *id, const char *verb);
/* Pending (not yet carried out) command for a message, verb or "". */
int	qview_msg_pending(struct db *, const char *id, char verb[16]);
int	qview_set_notify(struct db *, const struct actor *, const char *domain,
	    int on);

/* /metrics: one callback per row of each kind, v[] as documented. */
enum qview_metric {
	QVIEW_M_QUEUE,		/* v: messages, bytes, oldest arrival */
	QVIEW_M_TOTAL,		/* v: delivered, bounced, last delivery */
	QVIEW_M_DEST		/* v: last probe, last ok, next probe */
};
int	qview_metrics(struct db *, enum qview_metric,
	    int (*fn)(void *, const char *name, const int64_t *v), void *arg);

/* The headers of a spooled message (up to the empty line, CRs removed,
 * at most max octets); malloc'd, or NULL when the file is not here. */
char	*qview_headers(const char *spool_dir, const char *id, size_t max);

#endif
