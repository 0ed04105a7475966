/*
 * resolve — the panel's live MX lookup (the DNS check of a domain whose
 * zone is hosted elsewhere), on libresolv: res_nmkquery, res_nsend, then
 * ns_initparse / ns_parserr / dn_expand.  No packet is built or read by
 * hand.  The relay has its own lookup with its delivery rules
 * (relay/dns.c); this one only reports what DNS says.
 *
 * Thread-safe: every call has its own resolver state; the server is an
 * argument (`dns_resolver`: "IP", "IP:PORT", "[v6]:PORT"; NULL or "" for
 * the system's).  Nothing is cached.
 * Errors: the enum, with a one-line reason in why (RESOLVE_WHY_MAX).
 */
#ifndef BMX_RESOLVE_H
#define BMX_RESOLVE_H

#include <stddef.h>

#include "zone.h"

#define RESOLVE_WHY_MAX 256

enum resolve_rc {
	RESOLVE_OK,		/* NOERROR; *n may be 0 (no MX records) */
	RESOLVE_NXDOMAIN,	/* the domain does not exist */
	RESOLVE_FAIL		/* SERVFAIL, REFUSED, timeout, bad answer */
};

/*
 * The MX records of domain (A-label), in answer order, at most max;
 * hosts lower case without the trailing dot (a null MX is ".").
 */
enum resolve_rc resolve_mx(const char *resolver, const char *domain,
	    struct zone_mx *out, size_t max, size_t *n, char *why);

#endif
