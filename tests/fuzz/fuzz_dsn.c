/*
 * fuzz_dsn — libFuzzer target for relay/dsn.c's report builder.  What a
 * sender controls reaches it: the message's headers (read from the
 * spool), ENVID and ORCPT, and the primary's reply text.  Input: the
 * diagnostic, ENVID and ORCPT on the first three lines (LF), then the
 * spooled message.  Oracle: a report that was built has CRLF line ends
 * only and no line over 998 octets (RFC 5322), whatever came in.
 */
#define _GNU_SOURCE	/* memfd_create */
#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "dsn.h"

/* The next LF-terminated piece of *p as a C string (NULs end it early). */
static char *
fuzz_line(const uint8_t **p, const uint8_t *end)
{
	const uint8_t *nl = memchr(*p, '\n', (size_t)(end - *p));
	size_t n = nl != NULL ? (size_t)(nl - *p) : (size_t)(end - *p);
	char *s = malloc(n + 1);

	assert(s != NULL);
	memcpy(s, *p, n);
	s[n] = '\0';
	*p += nl != NULL ? n + 1 : n;
	return s;
}

static void
fuzz_check(const char *out, size_t len)
{
	size_t i, line = 0;

	for (i = 0; i < len; i++) {
		if (out[i] == '\n') {
			assert(i > 0 && out[i - 1] == '\r');
			line = 0;
			continue;
		}
		if (out[i] == '\r')
			assert(i + 1 < len && out[i + 1] == '\n');
		else
			assert(++line <= 998);
	}
	assert(len >= 2 && out[len - 2] == '\r' && out[len - 1] == '\n');
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p = data, *end = data + size;
	char *diag, *envid, *orcpt, path[64], err[DSN_ERR_MAX], *out;
	struct dsn_rcpt r;
	struct dsn_msg m;
	struct sbuf sb;
	int fd;

	diag = fuzz_line(&p, end);
	envid = fuzz_line(&p, end);
	orcpt = fuzz_line(&p, end);
	if ((fd = memfd_create("orig", 0)) == -1)
		abort();
	if (write(fd, p, (size_t)(end - p)) != end - p)
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	r = (struct dsn_rcpt){ "user@example.com", *orcpt ? orcpt : NULL,
	    "failed", "5.1.1", "mx.example.com", *diag ? diag : NULL,
	    1700000000 };
	m = (struct dsn_msg){ "mx.test.example", "0123456789ABCDEF",
	    *envid ? envid : NULL, "sender@example.org",
	    "dns; client.example [192.0.2.1]", 1700000000, 1700000100 };
	sbuf_init(&sb);
	if (dsn_build(&m, &r, 1, path, &sb, err) == 0) {
		out = sbuf_finish(&sb);
		fuzz_check(out, strlen(out));
		free(out);
	} else
		sbuf_free(&sb);
	close(fd);
	free(diag);
	free(envid);
	free(orcpt);
	return 0;
}
