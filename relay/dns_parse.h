/*
 * dns_parse — the pure parts of dns.c, declared apart so the unit tests
 * can drive them without a DNS server: the MX cut at our own preference
 * and the IP literals that stand for themselves.  Nothing here does I/O,
 * allocates or keeps state; every function is safe from any thread.
 * Callers outside dns.c and its tests use dns.h instead.
 */
#ifndef BMX_DNS_PARSE_H
#define BMX_DNS_PARSE_H

#include <stddef.h>

#include "dns.h"

/*
 * Sort t[0..n) by preference, then by name; drop repeated hosts (the best
 * preference stays); then, if one of own (nown names, any case, a trailing
 * dot ignored) is in the list, drop every host whose preference is equal
 * to or worse than the best one of ours.  Hosts are compared without case
 * and without a trailing dot.  Returns how many remain at the front of t:
 * 0 means we are the best MX (mail would loop), or n was 0.
 */
size_t	dns_mx_cut(struct dns_target *t, size_t n, const char *const *own,
	    size_t nown);

/*
 * An IP literal host: "192.0.2.1", "[192.0.2.1]", "2001:db8::1",
 * "[2001:db8::1]" or "[IPv6:2001:db8::1]".  0 with *out filled (port 0),
 * -1 when host is anything else (a name, or malformed).
 */
int	dns_literal(const char *host, struct dns_addr *out);

#endif
