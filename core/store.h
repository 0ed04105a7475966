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
#include "util.h"
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
/*
 * A record as the store modules read it: BMX_COLS (b: backupmx, o: its
 * owner's account, u: its updater's) over BMX_FROM, read by bmx_read();
 * BMX_QUEUED is its queued messages, from the summary the triggers of
 * migration 12 keep (no row: none queued).
 */
#define BMX_COLS "b.id, b.domain, b.idn, b.active, b.created, b.updated, " \
	"o.name, u.name, b.delivery_host, b.recipient_policy, b.only_when_down"
#define BMX_FROM " FROM backupmx b JOIN account o ON o.id = b.owner_id " \
	"LEFT JOIN account u ON u.id = b.updater_id "
#define BMX_QUEUED "coalesce((SELECT q.messages FROM queue_domain q WHERE " \
	"q.domain = b.domain), 0)"
/* A record from BMX_COLS at the first column of st's current row. */
void	bmx_read(sqlite3_stmt *st, struct bmx *);


/* Account names: 1..64 of [a-z0-9._-], starting with a letter or digit. */
int	account_valid_name(const char *name, char *err);

int	account_create(struct db *, const struct actor *, const char *name,
	    int admin, const char *password, const char *email, int64_t *id);
int	account_find(struct db *, const char *name, struct account *);
/* The columns account_read() reads, for a table alias p ("a."). */
#define ACCOUNT_COLS_OF(p) p "id, " p "name, " p "role, " p "disabled, " \
	p "email, " p "created"
#define ACCOUNT_COLS ACCOUNT_COLS_OF("")
/* An account from ACCOUNT_COLS at column col of st's current row. */
void	account_read(sqlite3_stmt *st, int col, struct account *);

/* Put a domain (any form; validated here) in owner's portfolio. */
int	domain_add(struct db *, const struct actor *, const char *domain,
	    const char *owner, int external, int64_t *id);

/*
 * Building blocks for changes made of several steps (an order): insert
 * inside the caller's open transaction, no audit entry; *dup (may be
 * NULL) is set on a uniqueness conflict.  updater_id 0 is backupmxctl.
 * store_bmx_insert() also provisions the MX records of a managed zone
 * (store_zone_provision(), audited as "zone.provision").
 */
int	store_domain_insert(struct db *, const char *alabel, const char *ulabel,
	    int64_t owner_id, int external, int64_t *id, int *dup);
int	store_bmx_insert(struct db *, int64_t domain_id, const char *alabel,
	    const char *ulabel, int64_t owner_id, int64_t updater_id,
	    const char *delivery_host, int *dup);

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
	/* hold_off: "accept only while the primary is down" is set and the
	 * primary is not known to be down. */
	int	(*domain)(void *arg, const char *domain, int listed,
		    int hold_off);
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
	int		 body8, smtputf8, is_bounce;
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
	char	envid[104];	/* DSN ENVID=, "" when none */
	char	client[64];	/* sending host's address */
	char	helo[256];
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

/*
 * The relay's outbound side (store_delivery.c).  A destination is a
 * message's domain: the recipients' domain, or for a bounce the original
 * sender's.  All of these act for one node (myhostname).
 */
struct queue_dest {
	char	name[VALID_NAME_MAX];		/* domain */
	char	delivery_host[VALID_NAME_MAX + 8];	/* "" for MX */
	int	nmsg;
};

/* Destinations with recipients due at now (held messages excluded). */
int	queue_due_dests(struct db *, const char *node, int64_t now,
	    struct queue_dest **list, size_t *n);
/* Domains with "accept only while the primary is down" whose primary
 * was not checked since `since` (the scheduler probes them). */
int	queue_watch_dests(struct db *, const char *node, int64_t since,
	    struct queue_dest **list, size_t *n);
/* Ids of due messages of one destination, oldest first, at most max;
 * ids is a caller array of max strings of 32 bytes. */
int	queue_due_messages(struct db *, const char *node, const char *domain,
	    int64_t now, char (*ids)[32], size_t max, size_t *n);

/* One recipient's outcome of one delivery attempt. */
struct queue_result {
	const char	*address;
	const char	*state;		/* "sent", "bounced", "queued" */
	const char	*status;	/* attempt status: sent/deferred/bounced */
	const char	*dsn;		/* X.Y.Z */
	const char	*relay;		/* host[ip]:port, or NULL */
	const char	*reply;		/* reply text or reason */
	int64_t		 next_attempt;	/* for "queued" */
};

/*
 * Record outcomes in one transaction; when no recipient is left queued
 * the message row goes (*finished = 1) and the caller removes the file.
 */
int	queue_record(struct db *, const char *id, const struct queue_result *,
	    size_t n, int64_t now, int *finished);
/* Several messages' outcomes in one transaction (group commit).
 * all_final: every recipient still queued is in res with a final state
 * (sent or bounced), so the message goes without per-recipient rows.
 * On STORE_ERROR nothing is recorded and every finished is 0. */
struct queue_record_req {
	const char			*id;
	const struct queue_result	*res;
	size_t				 n;
	int				 all_final;
	int				 finished;	/* out */
};
int	queue_record_many(struct db *, struct queue_record_req *, size_t n,
	    int64_t now);
/* Put every queued recipient of domain off until when (one probe per
 * interval), recording why. */
int	queue_defer_dest(struct db *, const char *node, const char *domain,
	    int64_t when, const char *why);
/* Recipients whose message expired at now: calls fn(arg, id) per message. */
int	queue_expired(struct db *, const char *node, int64_t now,
	    int (*fn)(void *, const char *id), void *arg);
/* Remove a message row (delete command, expiry done). */
int	queue_remove(struct db *, const char *id);

/* Reachability of a destination, as this node last saw it. */
struct dest_state {
	int64_t	last_probe, last_ok, next_probe;
	char	last_result[256];
	int	known;
};
int	dest_get(struct db *, const char *node, const char *name,
	    struct dest_state *);
int	dest_put(struct db *, const char *node, const char *name,
	    const struct dest_state *);

/* Operator and panel requests ("flush", "delete", "hold", "release";
 * arg NULL: every message), audited as "queue.VERB". */
int	queue_command_add(struct db *, const struct actor *, const char *verb,
	    const char *arg);
/* The same inside a transaction the caller began (after its own checks):
 * commits, or rolls back on failure. */
int	queue_command_put(struct db *, const struct actor *, const char *verb,
	    const char *arg);
struct queue_cmd {
	int64_t	id;
	char	verb[16];
	char	arg[VALID_NAME_MAX];
};
/* Pending commands, oldest first (at most max). */
int	queue_commands(struct db *, struct queue_cmd *, size_t max, size_t *n);
/* Carry out a flush/hold/release in the database and mark it done. */
int	queue_command_apply(struct db *, const char *node,
	    const struct queue_cmd *);

/*
 * Panel sessions and sign-in (store_session.c).  The cookie carries a
 * random token; the database keeps only its SHA-256, so a copy of the
 * database does not let anyone in.  A session ends after `idle` seconds
 * without use or `lifetime` after sign-in, whichever comes first.
 */
#define SESSION_TOKEN_MAX 48	/* base64url of 32 random bytes, with NUL */

struct session_info {
	int64_t		id;
	struct account	a;
	char		csrf[SESSION_TOKEN_MAX];
	int64_t		created, last_seen;
};

/* Check name and password; STORE_OK and *a, or STORE_NOTFOUND for any
 * wrong combination (which one is not told), disabled accounts included. */
int	account_login(struct db *, const char *name, const char *password,
	    struct account *a);
/* Replace the password after checking the old one; other sessions of
 * the account end (keep is the session that stays, 0 for none). */
int	account_set_password(struct db *, const struct actor *,
	    const char *old_pw, const char *new_pw, int64_t keep);

int	session_create(struct db *, const struct account *, const char *client,
	    char token[SESSION_TOKEN_MAX], char csrf[SESSION_TOKEN_MAX]);
/* STORE_OK and *s for a live session (last_seen refreshed at most once a
 * minute); STORE_NOTFOUND for an unknown or expired one (then removed). */
int	session_lookup(struct db *, const char *token, int64_t idle,
	    int64_t lifetime, struct session_info *s);
int	session_delete(struct db *, const char *token);

/*
 * Sign-in throttling by key ("user:NAME", "addr:IP"): login_blocked()
 * says how many seconds the key is still locked (0: go ahead);
 * login_failed() counts a failure (locking the key at max within window);
 * login_succeeded() forgets the key.
 */
int64_t	login_blocked(struct db *, const char *key, int64_t now);
int	login_failed(struct db *, const char *key, int64_t now, int max,
	    int64_t window);
int	login_succeeded(struct db *, const char *key);

struct audit_entry {
	int64_t	id, at;
	char	actor[ACCOUNT_NAME_MAX + 16];
	char	client[64];
	char	action[48];
	char	object[VALID_ADDR_MAX];
	char	detail[512];
};
/* Newest first; admins only (STORE_NOTFOUND for anyone else). */
int	audit_list(struct db *, const struct actor *, int64_t offset,
	    int64_t limit, struct audit_entry **list, size_t *n);

/* Append to the audit log (inside the caller's transaction, if any). */
int	audit_add(struct db *, const struct actor *, const char *action,
	    const char *object, const char *detail);

/* The two ends of every change in the store modules.  store_fail() puts
 * the reason in db->err and returns rc (it does not roll back);
 * store_finish() audits the change and commits the open transaction, or
 * rolls it back and returns STORE_ERROR. */
int	store_fail(struct db *, int rc, const char *fmt, ...)
	    ATTR_PRINTF(3, 4);
int	store_finish(struct db *, const struct actor *, const char *action,
	    const char *object, const char *detail);
/* Roll the open transaction back and return rc (db->err is kept). */
int	store_abort(struct db *, int rc);

#endif
