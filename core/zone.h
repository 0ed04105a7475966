/*
 * zone — the pure parts of zone management: checking one record as a
 * customer typed it (MX, A, AAAA, CNAME, TXT), the rules between the
 * records of one zone (duplicates, CNAME exclusivity), the SOA serial,
 * the RFC 1035 master file, the BackupMX MX set, and the judgement of a
 * domain's MX records (the DNS check page).  No I/O, no SQL: the store
 * (store_zone.c) and the resolver (resolve.c) feed these.
 *
 * The backup MX host names (mx_names) are process-wide: every program
 * that can activate BackupMX calls zone_set_backup_hosts() once at
 * start-up, before its threads run; the store provisions with them.
 *
 * Errors: checkers return 0 or -1 with a user-facing reason in err
 * (VALID_ERR_MAX, or ZONE_MSG_MAX where said).
 * Memory: zone_render() returns a malloc'd string the caller frees;
 * everything else writes into the caller's buffers.  Thread-safe.
 */
#ifndef BMX_ZONE_H
#define BMX_ZONE_H

#include <stddef.h>
#include <stdint.h>

#include "valid.h"

#define ZONE_TXT_MAX	2048	/* octets of one TXT value */
#define ZONE_VALUE_MAX	(ZONE_TXT_MAX + 1)
#define ZONE_TTL_MIN	60
#define ZONE_TTL_MAX	604800	/* one week */
#define ZONE_TTL_DEFAULT 3600
#define ZONE_MSG_MAX	320
#define ZONE_BACKUP_MAX	8	/* backup MX names used */
#define ZONE_SERIAL_FIRST 1	/* a zone that never changed */

/* One record of a zone as stored: owner relative to the zone. */
struct zone_rec {
	int64_t	id;
	char	name[VALID_NAME_MAX];	/* "@" for the apex, else relative */
	char	type[8];		/* MX, A, AAAA, CNAME, TXT */
	long	ttl;
	int	pref;			/* MX only, else 0 */
	char	value[ZONE_VALUE_MAX];	/* host with its dot, address, text */
	int	provisioned;		/* put there by BackupMX */
};

/* A record as typed in a form; NULL fields count as empty. */
struct zone_input {
	const char	*name, *type, *ttl, *pref, *value;
};

enum { ZONE_F_NAME, ZONE_F_TYPE, ZONE_F_TTL, ZONE_F_PREF, ZONE_F_VALUE,
	ZONE_NFIELDS };

/*
 * Check a typed record of zone (A-label) into out (id 0, not
 * provisioned).  errs[ZONE_F_*] get each field's reason ("" when good);
 * returns how many fields are wrong.  An empty name is the apex, an
 * empty TTL is ZONE_TTL_DEFAULT; the preference is read for MX only.
 */
int	zone_rec_check(const char *zone, const struct zone_input *in,
	    struct zone_rec *out, char (*errs)[VALID_ERR_MAX]);

/*
 * Whether rec may join the records list[0..n) of its zone (a record
 * with rec->id is being replaced, so it is skipped): no exact duplicate
 * (for MX: the same host at the name), no CNAME at the apex, and a CNAME
 * alone at its name.  0, or -1 with the reason (ZONE_MSG_MAX) in err.
 */
int	zone_rec_conflict(const char *zone, const struct zone_rec *rec,
	    const struct zone_rec *list, size_t n, char *err);

/* The serial after old at time now: YYYYMMDD00 of now's UTC date, or
 * old + 1 when that is not larger. */
int64_t	zone_serial_next(int64_t old, int64_t now);

/* The head of a master file: what the configuration says. */
struct zone_soa {
	const char	*origin;	/* the zone, A-label, no dot */
	int64_t		 serial;
	const char	*nameservers;	/* space-separated (zone_nameservers) */
	const char	*hostmaster;	/* zone_hostmaster; '@' allowed */
};

/*
 * The zone as an RFC 1035 master file: $ORIGIN, $TTL, SOA, NS, then the
 * records sorted (apex first, by name, type, preference, value).  One
 * RRset shares one TTL (the smallest of its records, RFC 2181 5.2).  TXT
 * values are quoted, '"' and '\' escaped, other bytes outside printable
 * ASCII as \DDD, split into strings of at most 255 octets.  NULL when
 * out of memory or when a name in soa is unusable.
 */
char	*zone_render(const struct zone_soa *soa, const struct zone_rec *recs,
	    size_t n);

/* --- the BackupMX MX set ---------------------------------------------- */

/* Set the backup MX names (mx_names: space-separated). */
void	zone_set_backup_hosts(const char *mx_names);
/* Copy them (lower case, no dot) into out; how many there are. */
size_t	zone_backup_hosts(char (*out)[VALID_NAME_MAX], size_t max);
/* The preference of the i-th backup host: 20, 30, 40, ... */
int	zone_backup_pref(size_t i);

/* --- judging live MX records ------------------------------------------ */

struct zone_mx {
	int	pref;
	char	host[VALID_NAME_MAX];	/* no trailing dot */
};

enum zone_level { ZONE_GOOD, ZONE_WARN, ZONE_BAD };

struct zone_finding {
	enum zone_level	level;
	char		text[ZONE_MSG_MAX];
};

/* What a host is to this domain: "BackupMX", "MailProxy", "mail server". */
const char *zone_mx_role(const char *host, char (*backup)[VALID_NAME_MAX],
	    size_t nbackup, const char *mailproxy);

/*
 * Judge the MX records mx[0..n) of a domain that uses BackupMX (our
 * hosts backup[0..nbackup), MailProxy host or NULL): one finding per
 * record and per missing piece, e.g. "backup MX missing", "backup MX
 * has a better preference than your primary".  Returns how many
 * findings were written (at most max).
 */
size_t	zone_mx_judge(const struct zone_mx *mx, size_t n,
	    char (*backup)[VALID_NAME_MAX], size_t nbackup,
	    const char *mailproxy, struct zone_finding *out, size_t max);

#endif
