/*
 * store_bmx — BackupMX management for the panel: finding the records an
 * actor may see (search with a '*' wildcard, sorting, paging, the total),
 * one record with its queue count and recipient list, changing its
 * extension fields (delivery host, recipient policy and list, "only while
 * the primary is down"), and the portfolio domains that have no record yet.
 *
 * The recipient-list format — one address or "*@domain" per line, every
 * address in the record's own domain — is checked here by
 * bmx_rcpt_parse(), which names the lines it refuses; bmx_update() checks
 * every address again before it writes.
 *
 * Errors: STORE_* codes of store.h, the reason in db->err.
 * Scoping: as store.h — a customer's calls see and change only its own
 * records; anybody else's record is STORE_NOTFOUND, as an absent one is.
 * Memory: *_free() releases what the matching call allocated; the
 * structs themselves are the caller's.
 */
#ifndef BMX_STORE_BMX_H
#define BMX_STORE_BMX_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

#define BMX_QUERY_MAX	200	/* octets of a search text */
#define BMX_RCPT_MAX	10000	/* addresses in one recipient list */
#define BMX_RCPT_BAD_MAX 64	/* refused line numbers kept */
#define BMX_RCPT_ERR_MAX 1024

enum bmx_sort {
	BMX_SORT_DOMAIN,	/* A-label */
	BMX_SORT_CREATED,
	BMX_SORT_UPDATED,
	BMX_SORT_OWNER
};

struct bmx_query {
	const char	*text;		/* NULL or "": everything; with '*':
					   the whole name, '*' any run; else
					   a part of the name (either form) */
	enum bmx_sort	 sort;
	int		 desc;
	int64_t		 page;		/* 1-based; on return the page shown
					   (clamped to the last one) */
	int		 per_page;
};

struct bmx_row {
	struct bmx	 b;
	int64_t		 queued;	/* messages queued for the domain */
	int64_t		 nrcpt;		/* addresses on its list */
};

/* One page of the records matching q, and how many match in all.  A
 * list row leaves b.updater empty (the list does not show it). */
int	bmx_search(struct db *, const struct actor *, struct bmx_query *q,
	    struct bmx_row **rows, size_t *n, int64_t *total);
void	bmx_rows_free(struct bmx_row *);

struct bmx_entry {
	struct bmx	 b;
	int64_t		 queued;
	char		**rcpt;		/* the listed addresses, sorted */
	size_t		 nrcpt;
};

/* A record by its domain (either form). */
int	bmx_get(struct db *, const struct actor *, const char *domain,
	    struct bmx_entry *);
void	bmx_entry_free(struct bmx_entry *);

/* A recipient list as parsed from text (a textarea or an upload). */
struct bmx_rcpt_list {
	char	**addr;			/* normalised, sorted, no duplicates */
	size_t	  n;
	size_t	  nbad;			/* lines refused */
	size_t	  bad[BMX_RCPT_BAD_MAX];	/* the first of them, 1-based */
	char	  err[BMX_RCPT_ERR_MAX];	/* which lines, and why */
};

/*
 * Parse len octets of text for the record of domain (A-label): one
 * address or "*@domain" per line (LF or CRLF; blank lines and a UTF-8
 * byte-order mark are ignored).  Addresses get a lower-case, A-label
 * form.  0, or -1 with nbad, bad[] and err filled (err also for a list
 * that is too long, or out of memory, with nbad 0).  Free with
 * bmx_rcpt_free() either way.
 */
int	bmx_rcpt_parse(const char *domain, const char *text, size_t len,
	    struct bmx_rcpt_list *);
void	bmx_rcpt_free(struct bmx_rcpt_list *);

struct bmx_ext {
	const char	*delivery_host;	/* host[:port]; NULL or "": by MX */
	int		 listed;	/* only listed recipients */
	int		 only_when_down;
	/* the new list; NULL keeps the stored one */
	const struct bmx_rcpt_list *rcpt;
};

/*
 * Set the extension fields of a record, replace its list, set updated
 * and updater: one transaction with its audit entry.  "Only listed
 * recipients" with an empty list is refused (it would refuse all mail).
 */
int	bmx_update(struct db *, const struct actor *, const char *domain,
	    const struct bmx_ext *);

/* Portfolio domains without a record, the actor's own (admin: all). */
struct bmx_candidate {
	char	domain[VALID_NAME_MAX];
	char	idn[VALID_NAME_MAX * 4];
	char	owner[ACCOUNT_NAME_MAX];
};

int	bmx_candidates(struct db *, const struct actor *, size_t max,
	    struct bmx_candidate **list, size_t *n);
void	bmx_candidates_free(struct bmx_candidate *);

#endif
