/*
 * policy — which recipients the relay accepts: an in-memory snapshot of
 * the active BackupMX records (and their recipient lists) from SQLite.
 *
 * A poller thread watches the database (PRAGMA data_version, and the
 * file's identity, every 250 ms) and swaps in a new snapshot when
 * anything changed, so panel and backupmxctl changes apply within about a
 * second.  When the database cannot be read the policy answers
 * POLICY_TEMPFAIL — never a blind accept — until it can again.
 *
 * Thread-safe: any session thread may call policy_check().
 */
#ifndef BMX_POLICY_H
#define BMX_POLICY_H

enum policy_result {
	POLICY_ACCEPT,
	POLICY_NO_RELAY,	/* 550 5.7.1 relaying denied */
	POLICY_NO_USER,		/* 550 5.1.1 not on the recipient list */
	POLICY_TEMPFAIL,	/* 451 4.3.0 database unavailable */
	POLICY_PRIMARY_UP	/* 450 4.7.1: the record says "only while the
				   primary is down" and it is not */
};

int	policy_init(const char *dbpath, char *err, size_t errsz);
void	policy_shutdown(void);
/* domain: lower-case A-label; rcpt: the normalised address. */
enum policy_result policy_check(const char *domain, const char *rcpt);
/* Force a reload at the next tick (SIGHUP). */
void	policy_touch(void);

#endif
