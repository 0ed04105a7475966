/*
 * zone_render — a zone as an RFC 1035 master file.  See zone.h.
 *
 * Owners are written relative to $ORIGIN ("@" for the apex), hosts
 * absolute with their dot.  SOA timers are fixed: refresh 3 h, retry
 * 1 h, expire 2 weeks, negative-caching TTL 1 h (RFC 1912 ranges).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "zone.h"

#define ZONE_SOA_TIMERS "10800 3600 1209600 3600"
#define ZONE_STR_MAX 255	/* octets of one character-string */

static int
zone_type_rank(const char *type)
{
	static const char *const order[] = { "MX", "A", "AAAA", "CNAME",
	    "TXT" };
	int i;

	for (i = 0; i < 5; i++)
		if (strcmp(type, order[i]) == 0)
			return i;
	return 5;
}

/* Apex first, then names; within a name by type, preference, value. */
static int
zone_rec_cmp(const void *pa, const void *pb)
{
	const struct zone_rec *a = pa, *b = pb;
	int apex_a = strcmp(a->name, "@") == 0, apex_b = strcmp(b->name,
	    "@") == 0, c;

	if (apex_a != apex_b)
		return apex_b - apex_a;
	if ((c = strcmp(a->name, b->name)) != 0)
		return c;
	if ((c = zone_type_rank(a->type) - zone_type_rank(b->type)) != 0)
		return c;
	if (a->pref != b->pref)
		return a->pref < b->pref ? -1 : 1;
	return strcmp(a->value, b->value);
}

/* A name of the configuration as an absolute domain name; the first '@'
 * of a mailbox becomes a dot (the SOA RNAME form).  -1 if unusable. */
static int
zone_abs(const char *in, int mailbox, char *out)
{
	char buf[VALID_NAME_MAX], *at;
	size_t len;

	if (util_strlcpy(buf, in, sizeof(buf)) >= sizeof(buf))
		return -1;
	if (mailbox && (at = strchr(buf, '@')) != NULL)
		*at = '.';
	len = strlen(buf);
	if (len > 1 && buf[len - 1] == '.')
		buf[--len] = '\0';
	if (valid_hostname(buf, out, NULL) == -1)
		return -1;
	strcat(out, ".");
	return 0;
}

static void
zone_put_soa(struct sbuf *b, const struct zone_soa *soa, const char *ns1,
    const char *rname)
{
	sbuf_printf(b, "; zone %s, exported by backupmx\n", soa->origin);
	sbuf_printf(b, "$ORIGIN %s.\n$TTL %d\n", soa->origin,
	    ZONE_TTL_DEFAULT);
	sbuf_printf(b, "@\t%d\tIN\tSOA\t%s %s %lld " ZONE_SOA_TIMERS "\n",
	    ZONE_TTL_DEFAULT, ns1, rname, (long long)soa->serial);
}

/* The NS records; the first name into ns1 (for the SOA).  -1 when a
 * name is unusable or there is none. */
static int
zone_put_ns(struct sbuf *b, const char *names, char *ns1)
{
	char buf[1024], host[VALID_NAME_MAX + 1], *tok, *save = NULL;
	int n = 0;

	util_strlcpy(buf, names != NULL ? names : "", sizeof(buf));
	for (tok = strtok_r(buf, " \t,", &save); tok != NULL;
	    tok = strtok_r(NULL, " \t,", &save)) {
		if (zone_abs(tok, 0, host) == -1)
			return -1;
		if (n++ == 0)
			strcpy(ns1, host);
		sbuf_printf(b, "@\t%d\tIN\tNS\t%s\n", ZONE_TTL_DEFAULT, host);
	}
	return n > 0 ? 0 : -1;
}

/* A TXT value: quoted strings of at most 255 octets each. */
static void
zone_put_txt(struct sbuf *b, const char *v)
{
	const unsigned char *p = (const unsigned char *)v;
	size_t used = 0;

	sbuf_puts(b, "\"");
	for (; *p != '\0'; p++) {
		if (used == ZONE_STR_MAX) {
			sbuf_puts(b, "\" \"");
			used = 0;
		}
		if (*p == '"' || *p == '\\')
			sbuf_printf(b, "\\%c", *p);
		else if (*p < 0x20 || *p >= 0x7f)
			sbuf_printf(b, "\\%03u", (unsigned)*p);
		else
			sbuf_add(b, (const char *)p, 1);
		used++;
	}
	sbuf_puts(b, "\"");
}

/* The smallest TTL of the RRset r belongs to (sorted: it is adjacent). */
static long
zone_rrset_ttl(const struct zone_rec *v, size_t n, size_t i)
{
	long ttl = v[i].ttl;
	size_t k;

	for (k = i; k > 0 && strcmp(v[k - 1].name, v[i].name) == 0 &&
	    strcmp(v[k - 1].type, v[i].type) == 0; k--)
		;
	for (; k < n && strcmp(v[k].name, v[i].name) == 0 &&
	    strcmp(v[k].type, v[i].type) == 0; k++)
		if (v[k].ttl < ttl)
			ttl = v[k].ttl;
	return ttl;
}

static void
zone_put_rec(struct sbuf *b, const struct zone_rec *r, long ttl)
{
	sbuf_printf(b, "%s\t%ld\tIN\t%s\t", r->name, ttl, r->type);
	if (strcmp(r->type, "MX") == 0)
		sbuf_printf(b, "%d %s", r->pref, r->value);
	else if (strcmp(r->type, "TXT") == 0)
		zone_put_txt(b, r->value);
	else
		sbuf_puts(b, r->value);
	sbuf_puts(b, "\n");
}

char *
zone_render(const struct zone_soa *soa, const struct zone_rec *recs, size_t n)
{
	char ns1[VALID_NAME_MAX + 1] = "", rname[VALID_NAME_MAX + 1];
	struct zone_rec *v;
	struct sbuf b, ns;
	size_t i;

	if (zone_abs(soa->hostmaster != NULL ? soa->hostmaster : "", 1,
	    rname) == -1)
		return NULL;
	sbuf_init(&ns);
	if (zone_put_ns(&ns, soa->nameservers, ns1) == -1) {
		sbuf_free(&ns);
		return NULL;
	}
	if ((v = malloc((n + 1) * sizeof(*v))) == NULL) {
		sbuf_free(&ns);
		return NULL;
	}
	if (n > 0)
		memcpy(v, recs, n * sizeof(*v));
	qsort(v, n, sizeof(*v), zone_rec_cmp);
	sbuf_init(&b);
	zone_put_soa(&b, soa, ns1, rname);
	sbuf_add(&b, ns.buf, ns.len);
	sbuf_free(&ns);
	for (i = 0; i < n; i++)
		zone_put_rec(&b, &v[i], zone_rrset_ttl(v, n, i));
	free(v);
	return sbuf_finish(&b);
}
