/*
 * ctl — shared declarations of backupmxctl's verbs (relay/ctl*.c).
 *
 * Each verb handler gets the parsed configuration, the open database (when
 * its table entry says it needs one) and the arguments after its words, and
 * returns the exit status.  Messages for the operator go to stdout, refusals
 * to stderr as one line.
 */
#ifndef BMX_CTL_H
#define BMX_CTL_H

#include "config.h"
#include "db.h"
#include "util.h"

enum { CTL_OK = 0, CTL_REFUSED = 1, CTL_USAGE = 2 };

struct ctl {
	struct config	 cf;
	struct db	*db;
};

struct ctl_verb {
	const char	*noun, *verb;
	int		(*run)(struct ctl *, int, char **);
	int		 needs_db;
	const char	*usage;
};

int	ctl_usage(void);
int	ctl_refuse(const char *fmt, ...) ATTR_PRINTF(1, 2);
int	ctl_store_result(struct ctl *, int);

int	ctl_init(struct ctl *, int, char **);
int	ctl_config(struct ctl *, int, char **);
int	ctl_user_add(struct ctl *, int, char **);
int	ctl_domain_add(struct ctl *, int, char **);
int	ctl_bmx_add(struct ctl *, int, char **);
int	ctl_bmx_del(struct ctl *, int, char **);
int	ctl_bmx_list(struct ctl *, int, char **);
int	ctl_queue_list(struct ctl *, int, char **);
int	ctl_queue_show(struct ctl *, int, char **);
int	ctl_queue_flush(struct ctl *, int, char **);
int	ctl_queue_delete(struct ctl *, int, char **);
int	ctl_zone_export(struct ctl *, int, char **);

#endif
