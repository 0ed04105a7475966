/*
 * store_admin — what the account and admin pages need beyond store.h:
 * the list of accounts a page at a time, switching an account off and on,
 * and an account's own contact address.
 *
 * Errors: STORE_OK or a negative enum store_rc (store.h) with a one-line,
 * user-facing reason in db->err.  Admin-only functions answer
 * STORE_NOTFOUND to anyone else, as audit_list() does.  Every change
 * writes its audit entry in the same transaction as the change.
 * Memory: account_list() returns a malloc'd array the caller frees with
 * account_list_free().
 */
#ifndef BMX_STORE_ADMIN_H
#define BMX_STORE_ADMIN_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

struct account_row {
	struct account	a;
	int64_t		domains;	/* portfolio domains it owns */
};

/* Accounts ordered by name, at most limit from offset; admins only. */
int	account_list(struct db *, const struct actor *, int64_t offset,
	    int64_t limit, struct account_row **list, size_t *n);
void	account_list_free(struct account_row *);

/*
 * Disable (disabled = 1) or enable an account by name; admins only.  An
 * admin cannot disable its own account (STORE_INVALID).  Disabling ends
 * every session of the account.  Setting the state it already has is
 * STORE_OK and writes no audit entry.
 */
int	account_set_disabled(struct db *, const struct actor *,
	    const char *name, int disabled);

/* The actor's own contact address: validated here (valid_email); "" or
 * NULL clears it.  STORE_INVALID with the reason for a bad address. */
int	account_set_email(struct db *, const struct actor *,
	    const char *email);

#endif
