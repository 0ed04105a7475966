/*
 * log — one line per event, the event's id first ("4XbT9c1kq: from=<...>").
 *
 * In the foreground lines go to stderr as "prog[pid]: id: text"; otherwise
 * to syslog, facility mail, as the tools of mail admins expect.  Lines are
 * written whole (one write per line), so threads never interleave them.
 * The id may be NULL for events that belong to no session or message.
 */
#ifndef BMX_LOG_H
#define BMX_LOG_H

#include <syslog.h>

#include "util.h"

void	log_init(const char *ident, int foreground);
void	log_event(int prio, const char *id, const char *fmt, ...)
	    ATTR_PRINTF(3, 4);

#endif
