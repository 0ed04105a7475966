/*
 * ctl_zone — backupmxctl's zone verbs: "zone export DOMAIN" writes the
 * zone of a managed domain as an RFC 1035 master file to stdout (the
 * same text as the panel's download).  Refused (exit 1) for a domain
 * that is not in any portfolio or whose zone is external.
 */
#include <stdio.h>
#include <stdlib.h>

#include "ctl.h"
#include "store_zone.h"

int
ctl_zone_export(struct ctl *c, int argc, char **argv)
{
	char *text;
	int rc;

	if (argc != 1 || argv[0][0] == '-')
		return ctl_usage();
	rc = zone_export(c->db, &actor_cli, argv[0], c->cf.zone_nameservers,
	    c->cf.zone_hostmaster, &text);
	if (rc != STORE_OK)
		return ctl_store_result(c, rc);
	fputs(text, stdout);
	free(text);
	return CTL_OK;
}
