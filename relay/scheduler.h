/*
 * scheduler — the relay's outbound side: decides when each destination
 * is tried, probes primaries that are down, delivers, bounces.
 *
 * One scheduler thread wakes every second (or at once when new mail was
 * queued or a command arrived) and:
 *   1. carries out queue commands (flush, delete, hold, release);
 *   2. returns expired messages to their senders (DSN);
 *   3. starts a runner thread for every destination with due recipients
 *      that has none yet.
 * A runner resolves the destination (delivery host, or MX cut at our own
 * preference), probes it first if it was down (NOOP; one probe per
 * probe_interval however many messages wait), then delivers every due
 * message with up to delivery_concurrency connections, each reusing its
 * connection between messages.  A transport failure marks the destination
 * down and puts all its mail off until the next probe.
 *
 * Logs: Postfix's delivery line per recipient and attempt,
 * "ID: removed" when a message is done.
 */
#ifndef BMX_SCHEDULER_H
#define BMX_SCHEDULER_H

#include <stdint.h>

struct sched_opts {
	char	 node[256];		/* myhostname */
	char	 dbpath[4096];
	char	 spool_dir[4096];
	char	 mx_names[1024];	/* space-separated */
	int64_t	 probe_interval;
	int64_t	 lifetime;
	int	 port;			/* delivery_port */
	int	 concurrency;		/* per destination */
};

int	sched_start(const struct sched_opts *, char *err, size_t errsz);
/* New mail or a command: look now instead of at the next tick. */
void	sched_wake(void);
/* Stop starting work, wait for runners to finish their message. */
void	sched_stop(void);

#endif
