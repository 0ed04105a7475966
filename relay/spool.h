/*
 * spool — message files on disk and the group commit that makes an
 * accepted message durable before the relay says 250.
 *
 * Layout under spool_dir: incoming/ holds files still being received,
 * queue/ holds committed ones, both named by queue id.  A message's path
 * to safety: the session streams the body into incoming/ID (spool_open,
 * spool_write), then spool_commit() flushes and fsyncs the file, renames
 * it into queue/ (hard links for further ids of the same message), and
 * hands the envelope to the committer thread, which fsyncs queue/ once and
 * inserts every waiting message in one SQLite transaction — many sessions
 * share one directory fsync and one commit.  Only then does
 * spool_commit() return 0.  On any failure the files are removed and it
 * returns -1: the session answers 451 and nothing unacknowledged stays.
 *
 * spool_recover() runs before the relay accepts mail: it empties incoming/
 * and removes files in queue/ that have no queue row (never acknowledged).
 *
 * Errors: 0 / -1 with a reason in err (SPOOL_ERR_MAX).  Thread-safe after
 * spool_init(); a struct spool_file belongs to one session.
 */
#ifndef BMX_SPOOL_H
#define BMX_SPOOL_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

#define SPOOL_ID_MAX 24
#define SPOOL_ERR_MAX 256
#define SPOOL_BUF 65536

struct spool_file {
	char	 id[SPOOL_ID_MAX];
	int	 fd;
	int	 error;		/* errno of the first failed write, or 0 */
	int64_t	 size;		/* octets accepted by spool_write */
	size_t	 len;		/* bytes in buf not yet written */
	char	 buf[SPOOL_BUF];
};

/*
 * Create the directories, open the committer's database, recover (remove
 * unacknowledged files; *removed counts them), start the committer.
 */
int	spool_init(const char *dir, const char *dbpath, const char *node,
	    int *removed, char *err);
/* Stop the committer after the commits in flight; close everything. */
void	spool_shutdown(void);

/* A fresh queue id: time-ordered, 16 characters of [0-9A-V]. */
void	spool_new_id(char id[SPOOL_ID_MAX]);

int	spool_open(struct spool_file *, char *err);
/* Buffered; after a failure it only counts (error stays set). */
void	spool_write(struct spool_file *, const void *, size_t);
void	spool_abort(struct spool_file *);
/*
 * Make the message durable and queue it.  msgs[0].id must be f->id; the
 * other msgs (further recipient domains) carry fresh ids from
 * spool_new_id(), whose files become hard links to the same data.  On
 * return the file is closed in every case.
 */
int	spool_commit(struct spool_file *, struct queue_msg_in *msgs, size_t n,
	    char *err);

/* Path of a committed message (for readers such as backupmxctl). */
int	spool_path(const char *dir, const char *id, char *out, size_t outsz);
/* Free octets for unprivileged writers on the spool's filesystem, or -1. */
int64_t	spool_free_space(void);

#endif
