/*
 * notify — tells a domain's owner about its queue by e-mail: when mail
 * starts queuing (a delivery attempt failed), once a day while the queue
 * persists, and when it has drained.  The messages go through the
 * relay's own queue (null envelope sender, From: postmaster@myhostname)
 * to the owner's contact address; the owner switches them off per domain
 * (backupmx.notify).  Returned mail (DSNs, these notices) never counts.
 *
 * notify_tick() runs on the scheduler thread (with its connection) and
 * looks at most every NOTIFY_INTERVAL seconds; stats_tick() (stats.h)
 * samples the queue for the charts.
 * Errors: failures are logged; a notice that could not be queued is
 * tried again at the next look (its state is recorded only after).
 */
#ifndef BMX_NOTIFY_H
#define BMX_NOTIFY_H

#include <stdint.h>

#include "db.h"
#include "store_stats.h"
#include "util.h"

#define NOTIFY_INTERVAL 5

/* Settings from the configuration; call before the scheduler starts. */
void	notify_init(const char *node, const char *panel_url, int64_t lifetime);
void	notify_tick(struct db *);
/* The notice as a message ready for the spool (CRLF lines). */
void	notify_compose(const struct notice *, const char *node,
	    const char *panel_url, int64_t now, const char *msgid,
	    struct sbuf *out);

#endif
