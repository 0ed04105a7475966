/*
 * stats — the relay's hourly queue samples for the dashboards' charts
 * (store_stats.c holds the SQL).  stats_tick() runs on the scheduler
 * thread and samples at most once every STATS_INTERVAL seconds, keeping
 * QVIEW_HOURS of history.  Errors are logged; the next tick tries again.
 */
#ifndef BMX_STATS_H
#define BMX_STATS_H

#include "db.h"

#define STATS_INTERVAL 60

void	stats_tick(struct db *);

#endif
