/*
 * stats — see stats.h.
 */
#include "log.h"
#include "stats.h"
#include "store_qview.h"
#include "store_stats.h"
#include "util.h"

void
stats_tick(struct db *db)
{
	static int64_t last;	/* the scheduler thread's alone */
	int64_t now = util_now();

	if (now - last < STATS_INTERVAL)
		return;
	last = now;
	if (stats_sample(db, now, (int64_t)QVIEW_HOURS * 3600) != STORE_OK)
		log_event(LOG_ERR, NULL, "queue statistics: %s", db_error(db));
}
