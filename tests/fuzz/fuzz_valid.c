/*
 * fuzz_valid — libFuzzer target for the validators of core/valid.c and
 * the recipient-list parser (bmx_rcpt_parse in core/store_bmx.c, one
 * address a line).  The first input octet picks the function, the rest
 * is its input.  Oracles besides the sanitizers: outputs are
 * NUL-terminated within their buffers, every error has a reason, and a
 * normalised value is a fixed point (validating it again succeeds and
 * gives it back unchanged).
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "store_bmx.h"
#include "valid.h"

static void
fuzz_err(int rc, const char *err)
{
	assert(memchr(err, '\0', VALID_ERR_MAX) != NULL);
	if (rc == -1)
		assert(err[0] != '\0');
}

static void
fuzz_domain(const char *s)
{
	char a[VALID_NAME_MAX], u[VALID_NAME_MAX], a2[VALID_NAME_MAX];
	char err[VALID_ERR_MAX];
	int rc = valid_domain(s, a, u, err);

	fuzz_err(rc, err);
	if (rc == -1)
		return;
	assert(strlen(a) < VALID_NAME_MAX && strlen(u) < VALID_NAME_MAX);
	assert(valid_domain(a, a2, NULL, err) == 0 && strcmp(a, a2) == 0);
	assert(valid_domain_to_unicode(a, u, err) == 0);
}

static void
fuzz_names(const char *s)
{
	char out[VALID_NAME_MAX], again[VALID_NAME_MAX], err[VALID_ERR_MAX];
	int rc;

	rc = valid_hostname(s, out, err);
	fuzz_err(rc, err);
	if (rc == 0)
		assert(valid_hostname(out, again, err) == 0 &&
		    strcmp(out, again) == 0);
	rc = valid_fqdn_dot(s, out, err);
	fuzz_err(rc, err);
	if (rc == 0)
		assert(valid_fqdn_dot(out, again, err) == 0 &&
		    strcmp(out, again) == 0);
	fuzz_err(valid_domain_to_unicode(s, out, err), err);
}

static void
fuzz_email(const char *s)
{
	char out[VALID_ADDR_MAX], again[VALID_ADDR_MAX], err[VALID_ERR_MAX];
	int rc = valid_email(s, out, err);

	fuzz_err(rc, err);
	if (rc == 0)
		assert(valid_email(out, again, err) == 0 &&
		    strcmp(out, again) == 0);
}

static void
fuzz_hostport(const char *s)
{
	char host[VALID_NAME_MAX], n1[VALID_NAME_MAX + 8];
	char n2[VALID_NAME_MAX + 8], err[VALID_ERR_MAX];
	int port = -1, rc, pref;
	long ttl;

	rc = valid_hostport(s, host, &port, 25, err);
	fuzz_err(rc, err);
	if (rc == 0)
		assert(port >= 1 && port <= 65535);
	rc = valid_hostport_norm(s, n1, sizeof(n1), err);
	fuzz_err(rc, err);
	if (rc == 0)
		assert(valid_hostport_norm(n1, n2, sizeof(n2), err) == 0 &&
		    strcmp(n1, n2) == 0);
	fuzz_err(valid_ip(s, 0, err), err);
	if (valid_mx_pref(s, &pref, err) == 0)
		assert(pref >= 0 && pref <= 65535);
	if (valid_ttl(s, &ttl, err) == 0)
		assert(ttl >= 0 && ttl <= 2147483647L);
}

static void
fuzz_rcpt_list(const char *s, size_t len)
{
	struct bmx_rcpt_list l;
	size_t i;
	int rc = bmx_rcpt_parse("example.com", s, len, &l);

	assert(memchr(l.err, '\0', sizeof(l.err)) != NULL);
	if (rc == 0) {
		for (i = 0; i < l.n; i++) {
			assert(strlen(l.addr[i]) < VALID_ADDR_MAX);
			if (i > 0)	/* sorted, no duplicates */
				assert(strcmp(l.addr[i - 1], l.addr[i]) < 0);
		}
	}
	bmx_rcpt_free(&l);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;

	if (size < 1 || size > 4096)
		return 0;
	if ((s = malloc(size)) == NULL)
		return 0;
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	switch (data[0] % 5) {
	case 0: fuzz_domain(s); break;
	case 1: fuzz_names(s); break;
	case 2: fuzz_email(s); break;
	case 3: fuzz_hostport(s); break;
	default: fuzz_rcpt_list(s, size - 1); break;
	}
	free(s);
	return 0;
}
