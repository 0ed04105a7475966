/*
 * store_zone — zone management: the zones an actor may see (one per
 * portfolio domain; managed here unless domain.external), the
 * "Additional Nameserver Entries" (zone_record), the BackupMX MX set in
 * one step, the MailProxy host of a domain, the SOA serial, and the
 * master file export.
 *
 * Every change runs in one transaction with its audit entry and raises
 * the zone's SOA serial (zone_serial table, YYYYMMDDnn).  Records of an
 * external zone cannot be changed (STORE_INVALID): its DNS is elsewhere.
 *
 * Provisioning: when BackupMX is activated for a managed zone,
 * store_bmx_insert() calls store_zone_provision() inside its caller's
 * transaction: our backup MX names go in as MX 20, 30, 40 ...
 * (provisioned = 1), and the MailProxy host at 10 when the domain has
 * one and the zone lacks it.  bmx_del() calls store_zone_unprovision(),
 * which removes only the provisioned records.
 *
 * Errors: STORE_* codes of store.h, a user-facing reason in db->err.
 * Scoping: as store.h — another customer's zone or record is
 * STORE_NOTFOUND, exactly like an absent one.
 * Memory: lists are malloc'd arrays freed with free(); zone_export()'s
 * text too.
 */
#ifndef BMX_STORE_ZONE_H
#define BMX_STORE_ZONE_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"
#include "zone.h"

struct zone_info {
	int64_t	domain_id;
	char	domain[VALID_NAME_MAX];		/* A-label */
	char	idn[VALID_NAME_MAX * 4];
	char	owner[ACCOUNT_NAME_MAX];
	int	external;			/* zone hosted elsewhere */
	char	mailproxy[VALID_NAME_MAX];	/* "" none; no trailing dot */
	int64_t	serial;
	int	bmx;				/* a BackupMX record exists */
	int64_t	nrec;				/* records in zone_record */
};

/* Every portfolio domain the actor may see, by name. */
int	zone_list(struct db *, const struct actor *, struct zone_info **list,
	    size_t *n);
/* One zone by its domain (either form). */
int	zone_get(struct db *, const struct actor *, const char *domain,
	    struct zone_info *);

/* The records of a zone, sorted (apex first, name, type, pref). */
int	zone_records(struct db *, const struct actor *, const char *domain,
	    struct zone_rec **list, size_t *n);
/* One record of the zone; STORE_NOTFOUND when id is not in it. */
int	zone_record_get(struct db *, const struct actor *, const char *domain,
	    int64_t id, struct zone_rec *);

/*
 * Add rec (checked by zone_rec_check()), or replace record id with it
 * (the replaced record keeps its provisioned mark only when its MX host
 * stays).  STORE_INVALID with the reason for an external zone or a
 * conflict (zone_rec_conflict()).  *id_out (may be NULL) gets the id.
 */
int	zone_record_add(struct db *, const struct actor *, const char *domain,
	    const struct zone_rec *rec, int64_t *id_out);
int	zone_record_update(struct db *, const struct actor *,
	    const char *domain, int64_t id, const struct zone_rec *rec);
int	zone_record_del(struct db *, const struct actor *, const char *domain,
	    int64_t id);

/*
 * "Add BackupMX entries": the primary at MX 10 (the MailProxy host when
 * the domain has one; else primary, a host with its dot, when given; else
 * the apex's best own MX host, kept), then our backup names at 20, 30,
 * 40 — or only the first at 20 when all is 0.  With MailProxy, the
 * apex's other own MX records go (MailProxy takes their place).
 * STORE_INVALID when no primary is known ("asked for"): db->err says so.
 */
int	zone_bmx_set(struct db *, const struct actor *, const char *domain,
	    const char *primary, int all);

/* Set the domain's MailProxy host (a host name; "" or NULL: none). */
int	zone_set_mailproxy(struct db *, const struct actor *,
	    const char *domain, const char *host);

/*
 * The zone as a master file (zone_render()); nameservers and hostmaster
 * from the configuration.  STORE_INVALID for an external zone.
 */
int	zone_export(struct db *, const struct actor *, const char *domain,
	    const char *nameservers, const char *hostmaster, char **text);

/* Building blocks for the BackupMX store, inside the caller's open
 * transaction (see the top of this file).  updater_id 0: backupmxctl. */
int	store_zone_provision(struct db *, int64_t domain_id,
	    int64_t updater_id);
int	store_zone_unprovision(struct db *, const struct actor *,
	    const char *alabel);

#endif
