/*
 * store_order — the shopping cart, orders and the portfolio view: every
 * SQL statement behind the panel's Cart, Orders and Portfolio pages.
 *
 * A cart is the actor's one order with status 'cart', created by the
 * first cart_add().  A line is either a new domain (action 'domain') or,
 * for a domain the actor may already act on (its own portfolio; any
 * portfolio for an admin), a service-only line (action 'backupmx') that
 * activates BackupMX for it.  cart_complete() carries the whole cart out
 * in one transaction: new domains go into the actor's portfolio, lines
 * with the service switched on get their BackupMX record (owner: the
 * domain's owner, updater: the actor, as bmx_add()), the order becomes
 * 'completed' with its time, and every step has its audit entry.  The
 * relay sees the new records at its next poll.
 *
 * Errors: STORE_OK or a negative enum store_rc (store.h) with a one-line,
 * user-facing reason in db->err that names domains in both forms
 * ("bücher.example (xn--bcher-kva.example)") and never names another
 * customer.  Every change writes its audit entry in the same transaction
 * and a refused change leaves nothing behind.
 * Scoping: a customer reads and changes only its own cart, orders and
 * domains; anything else is STORE_NOTFOUND, exactly like an id that does
 * not exist.  Admins read every order and domain (carts stay personal:
 * an admin changes only its own).  The CLI actor (account 0) has no cart.
 * Memory: lists are malloc'd arrays the caller frees with free() (through
 * order_free()); no pointer into them outlives the array.
 */
#ifndef BMX_STORE_ORDER_H
#define BMX_STORE_ORDER_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

struct order_line {
	int64_t	id;
	char	domain[VALID_NAME_MAX];		/* A-label */
	char	idn[VALID_NAME_MAX * 4];	/* U-label, for display */
	int	service_only;			/* action 'backupmx' */
	int	backupmx;			/* the optional service is on */
};

struct order {
	int64_t	id;				/* 0: no cart yet */
	char	owner[ACCOUNT_NAME_MAX];
	char	status[16];			/* cart, completed, cancelled */
	int64_t	created;
	int64_t	completed;			/* 0 while not completed */
	int64_t	nlines;
};

/*
 * The actor's open cart and its lines (oldest first).  STORE_OK with
 * o->id == 0 and no lines when there is none yet.
 */
int	cart_get(struct db *, const struct actor *, struct order *o,
	    struct order_line **lines, size_t *n);

/*
 * Add a domain (any form; validated here) to the actor's cart, creating
 * the cart on first use.  A domain the actor may act on becomes a
 * service-only line with BackupMX on; any other domain a new-domain line
 * with BackupMX off.  STORE_INVALID: bad name.  STORE_EXISTS: in another
 * customer's portfolio, already in the cart (then *line_id is that
 * line), or its BackupMX record exists already.  line_id may be NULL.
 */
int	cart_add(struct db *, const struct actor *, const char *domain,
	    int64_t *line_id);
/* Switch the optional BackupMX service of a line of the actor's cart. */
int	cart_set_backupmx(struct db *, const struct actor *, int64_t line_id,
	    int on);
int	cart_remove(struct db *, const struct actor *, int64_t line_id);

/*
 * Carry out the actor's cart (see the top of this file).  external lists
 * the ids of new-domain lines whose zone is hosted elsewhere (other ids
 * are ignored).  On STORE_OK *order_id is the completed order.  On a
 * conflict (STORE_EXISTS: a domain went into another portfolio after it
 * was put in the cart; STORE_NOTFOUND: a service line's domain left the
 * portfolio) nothing changes and *bad_line names the line.
 * STORE_INVALID: the cart is empty.  bad_line may be NULL.
 */
int	cart_complete(struct db *, const struct actor *,
	    const int64_t *external, size_t nexternal, int64_t *order_id,
	    int64_t *bad_line);

/* Every order the actor may see (the open cart too), newest first. */
int	order_list(struct db *, const struct actor *, struct order **list,
	    size_t *n);
/* One order and its lines; STORE_NOTFOUND when it is not the actor's. */
int	order_get(struct db *, const struct actor *, int64_t id,
	    struct order *o, struct order_line **lines, size_t *n);
/* Free a list from any function of this module; returns NULL. */
void	*order_free(void *list);

/* A portfolio domain as the Portfolio pages show it. */
struct portfolio_domain {
	int64_t	id;
	char	name[VALID_NAME_MAX];		/* A-label */
	char	idn[VALID_NAME_MAX * 4];
	char	owner[ACCOUNT_NAME_MAX];
	int	external;			/* zone hosted elsewhere */
	int64_t	created;
	int	bmx;				/* a BackupMX record exists */
	int	bmx_active;			/* ... and the relay uses it */
	int64_t	bmx_created;			/* 0 without a record */
	int64_t	queued;				/* messages queued for it */
	int	in_cart;			/* a line in the actor's cart */
};

/* The domains the actor may see, ordered by name (admins: everyone's). */
int	portfolio_list(struct db *, const struct actor *,
	    struct portfolio_domain **list, size_t *n);
/* One domain (any form of its name); STORE_NOTFOUND when not visible. */
int	portfolio_get(struct db *, const struct actor *, const char *domain,
	    struct portfolio_domain *d);

#endif
