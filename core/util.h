/*
 * util — small helpers every program needs: fatal(), a growable string
 * buffer, whole-file reads, UTC time.
 *
 * Errors: util_read_file() returns NULL with errno set.  fatal() is for
 * start-up problems and broken invariants only: it logs and exits 1.
 * Memory: sbuf_finish() and util_read_file() return malloc'd strings that
 * the caller frees.  An sbuf that ran out of memory aborts the program
 * (there is no sensible partial result).
 */
#ifndef BMX_UTIL_H
#define BMX_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define ATTR_PRINTF(f, a) __attribute__((format(printf, f, a)))

void fatal(const char *fmt, ...) ATTR_PRINTF(1, 2) __attribute__((noreturn));

struct sbuf {
	char	*buf;
	size_t	 len, cap;
};

void	 sbuf_init(struct sbuf *);
void	 sbuf_add(struct sbuf *, const char *, size_t);
void	 sbuf_puts(struct sbuf *, const char *);
void	 sbuf_printf(struct sbuf *, const char *, ...) ATTR_PRINTF(2, 3);
/* JSON string literal with quotes, escaping as RFC 8259 requires. */
void	 sbuf_json_str(struct sbuf *, const char *);
/* s as a URL query value: RFC 3986 unreserved octets as they are,
 * everything else %XX. */
void	 sbuf_url_arg(struct sbuf *, const char *);
char	*sbuf_finish(struct sbuf *);	/* caller frees; sbuf is reset */
void	 sbuf_free(struct sbuf *);

/* Read a whole file of at most max bytes (EFBIG beyond), NUL-terminated. */
char	*util_read_file(const char *path, size_t max, size_t *len);

/* Current UTC time in seconds since the epoch. */
int64_t	 util_now(void);
/* "2026-11-29T01:17:15Z" into buf (at least 21 bytes). */
char	*util_iso8601(int64_t t, char *buf, size_t bufsz);
/* A UTC time's calendar fields (proleptic Gregorian, any year). */
struct util_civil {
	int64_t	year;
	int	month, day, hour, min, sec;	/* 1-12, 1-31, 0-23, ... */
};
void	 util_civil(int64_t t, struct util_civil *);
/* v (0 <= v < 10^width) as width decimal digits, zero-padded, no NUL. */
void	 util_digits(char *out, int64_t v, int width);

/* Copy with truncation, always NUL-terminated; returns strlen(src). */
size_t	 util_strlcpy(char *dst, const char *src, size_t dstsz);

#endif
