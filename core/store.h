/*
 * store — the domain objects of backupmx and every SQL statement that
 * reads or changes them: accounts, portfolio domains, BackupMX records and
 * the audit log.  Panel, API, CLI and relay call these; none of them holds
 * SQL of its own.
 *
 * Errors: functions return STORE_OK (0) or a negative enum store_rc, with
 * a one-line reason in db->err.  A function that changes more than one row
 * runs in one transaction and writes its audit entry in the same one:
 * nothing is half-written.
 * Memory: lists are malloc'd arrays the caller frees with the matching
 * *_list_free().
 * Scoping: every read and write takes the acting struct actor; a customer
 * acts only on objects it owns (others look "not found"), an admin on all.
 */
#ifndef BMX_STORE_H
#define BMX_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "valid.h"

enum store_rc {
	STORE_OK = 0,
	STORE_ERROR = -1,	/* database trouble */
	STORE_INVALID = -2,	/* bad input */
	STORE_EXISTS = -3,	/* already there */
	STORE_NOTFOUND = -4	/* absent, or not the actor's */
};

#define ACCOUNT_NAME_MAX 65

/* Who is acting: an account (id > 0) or the operator's CLI (id 0). */
struct actor {
	int64_t		 account_id;
	const char	*name;		/* for the audit log */
	const char	*client;	/* address, or "local" */
	int		 admin;
};

/* The operator at the console: an admin with no account. */
extern const struct actor actor_cli;

struct account {
	int64_t	id;
	char	name[ACCOUNT_NAME_MAX];
	int	admin;
	int	disabled;
	char	email[VALID_ADDR_MAX];
	int64_t	created;
};

struct bmx {
	int64_t	id;
	char	domain[VALID_NAME_MAX];		/* A-label */
	char	idn[VALID_NAME_MAX * 4];	/* U-label */
	int	active;
	int64_t	created, updated;
	char	owner[ACCOUNT_NAME_MAX];
	char	updater[ACCOUNT_NAME_MAX];	/* "" for backupmxctl */
	char	delivery_host[VALID_NAME_MAX + 8];
	char	recipient_policy[8];		/* "any" or "list" */
	int	only_when_down;
};

/* Account names: 1..64 of [a-z0-9._-], starting with a letter or digit. */
int	account_valid_name(const char *name, char *err);

int	account_create(struct db *, const struct actor *, const char *name,
	    int admin, const char *password, const char *email, int64_t *id);
int	account_find(struct db *, const char *name, struct account *);

/* Put a domain (any form; validated here) in owner's portfolio. */
int	domain_add(struct db *, const struct actor *, const char *domain,
	    const char *owner, int external, int64_t *id);

/* Create the BackupMX record of a portfolio domain; deliver_to may be NULL. */
int	bmx_add(struct db *, const struct actor *, const char *domain,
	    const char *deliver_to);
int	bmx_del(struct db *, const struct actor *, const char *domain);
/* Every record the actor may see, ordered by domain. */
int	bmx_list(struct db *, const struct actor *, struct bmx **list,
	    size_t *n);
void	bmx_list_free(struct bmx *);

/*
 * The relay's view of the BackupMX records: every active record's domain,
 * whether it restricts recipients, and the listed addresses.  Callbacks
 * are called inside one read transaction (a consistent snapshot).
 */
struct policy_sink {
	void	*arg;
	int	(*domain)(void *arg, const char *domain, int listed,
		    const char *delivery_host);
	int	(*recipient)(void *arg, const char *domain, const char *address);
};
int	store_policy_load(struct db *, const struct policy_sink *);

/* One accepted message (per recipient domain), as the relay queues it. */
struct queue_rcpt_in {
	const char	*address;
	const char	*orcpt;		/* NULL when absent */
	const char	*notify;	/* "SUCCESS,FAILURE" etc., NULL absent */
};

struct queue_msg_in {
	const char	*id, *node, *domain, *sender;
	int64_t		 size, arrival, expires;
	const char	*client, *helo, *envid, *ret;	/* NULL when absent */
	int		 body8, smtputf8;
	size_t		 nrcpt;
	const struct queue_rcpt_in *rcpt;
};

/* Insert n messages in one transaction (the relay's group commit). */
int	queue_insert(struct db *, const struct queue_msg_in *, size_t n);
/* STORE_OK when a message with this id is queued, else STORE_NOTFOUND. */
int	queue_exists(struct db *, const char *id);
/* Call fn for the id of every message node holds (spool recovery). */
int	queue_ids(struct db *, const char *node,
	    int (*fn)(void *, const char *id), void *arg);

struct queue_entry {
	char	id[32];
	char	node[VALID_NAME_MAX];
	char	domain[VALID_NAME_MAX];
	char	sender[VALID_ADDR_MAX];
	int64_t	size, arrival, expires;
	int	held;
	char	*rcpts;		/* "a@x (queued), b@x (sent)", malloc'd */
	char	*last_error;	/* malloc'd, "" when none */
};

/* Queued messages, oldest first; domain may be NULL for all. */
int	queue_list(struct db *, const struct actor *, const char *domain,
	    struct queue_entry **list, size_t *n);
void	queue_list_free(struct queue_entry *, size_t n);

struct queue_rcpt_out {
	char	address[VALID_ADDR_MAX];
	char	orcpt[VALID_ADDR_MAX];
	char	notify[64];
	char	state[16];
	int	attempts;
	int64_t	next_attempt, last_attempt;
	char	last_dsn[16];
	char	last_error[512];
};

/* One message and its recipients (caller frees *rcpt with free()). */
int	queue_get(struct db *, const struct actor *, const char *id,
	    struct queue_entry *, struct queue_rcpt_out **rcpt, size_t *n);

/* Append to the audit log (inside the caller's transaction, if any). */
int	audit_add(struct db *, const struct actor *, const char *action,
	    const char *object, const char *detail);

#endif
