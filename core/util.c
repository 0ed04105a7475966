/*
 * util — see util.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

void
fatal(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_event(LOG_CRIT, NULL, "fatal: %s", msg);
	exit(1);
}

void
sbuf_init(struct sbuf *sb)
{
	sb->buf = NULL;
	sb->len = sb->cap = 0;
}

static void
sbuf_grow(struct sbuf *sb, size_t need)
{
	size_t cap = sb->cap ? sb->cap : 256;
	char *n;

	while (cap < sb->len + need + 1)
		cap *= 2;
	if (cap == sb->cap)
		return;
	if ((n = realloc(sb->buf, cap)) == NULL)
		fatal("sbuf: out of memory");
	sb->buf = n;
	sb->cap = cap;
}

void
sbuf_add(struct sbuf *sb, const char *s, size_t n)
{
	sbuf_grow(sb, n);
	memcpy(sb->buf + sb->len, s, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

void
sbuf_puts(struct sbuf *sb, const char *s)
{
	sbuf_add(sb, s, strlen(s));
}

void
sbuf_printf(struct sbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		fatal("sbuf: bad format");
	sbuf_grow(sb, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb->len += (size_t)n;
}

void
sbuf_json_str(struct sbuf *sb, const char *s)
{
	const unsigned char *p;
	char esc[8];

	sbuf_add(sb, "\"", 1);
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\') {
			esc[0] = '\\';
			esc[1] = (char)*p;
			sbuf_add(sb, esc, 2);
		} else if (*p < 0x20 || *p == 0x7f) {
			snprintf(esc, sizeof(esc), "\\u%04x", *p);
			sbuf_puts(sb, esc);
		} else
			sbuf_add(sb, (const char *)p, 1);
	}
	sbuf_add(sb, "\"", 1);
}

char *
sbuf_finish(struct sbuf *sb)
{
	char *s = sb->buf;

	if (s == NULL && (s = strdup("")) == NULL)
		fatal("sbuf: out of memory");
	sbuf_init(sb);
	return s;
}

void
sbuf_free(struct sbuf *sb)
{
	free(sb->buf);
	sbuf_init(sb);
}

char *
util_read_file(const char *path, size_t max, size_t *len)
{
	struct stat st;
	char *buf;
	ssize_t n;
	size_t off = 0;
	int fd, saved;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return NULL;
	if (fstat(fd, &st) == -1 || (size_t)st.st_size > max) {
		saved = (size_t)st.st_size > max ? EFBIG : errno;
		close(fd);
		errno = saved;
		return NULL;
	}
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL) {
		close(fd);
		errno = ENOMEM;
		return NULL;
	}
	while (off < (size_t)st.st_size &&
	    (n = read(fd, buf + off, (size_t)st.st_size - off)) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			saved = errno;
			free(buf);
			close(fd);
			errno = saved;
			return NULL;
		}
		off += (size_t)n;
	}
	close(fd);
	buf[off] = '\0';
	if (len != NULL)
		*len = off;
	return buf;
}

int64_t
util_now(void)
{
	return (int64_t)time(NULL);
}

/*
 * Days since 1970-01-01 to a civil date by arithmetic (Howard Hinnant's
 * days_from_civil inverse): no gmtime_r(), which takes glibc's process-wide
 * time zone lock, on pages that format a time per table row.
 */
void
util_civil(int64_t t, struct util_civil *c)
{
	int64_t days = t / 86400, secs = t % 86400, z, era, doe, yoe, doy, mp;

	if (secs < 0) {
		secs += 86400;
		days--;
	}
	z = days + 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	c->day = (int)(doy - (153 * mp + 2) / 5 + 1);
	c->month = (int)(mp < 10 ? mp + 3 : mp - 9);
	c->year = yoe + era * 400 + (c->month <= 2);
	c->hour = (int)(secs / 3600);
	c->min = (int)(secs / 60 % 60);
	c->sec = (int)(secs % 60);
}

void
util_digits(char *out, int64_t v, int width)
{
	while (width-- > 0) {
		out[width] = (char)('0' + v % 10);
		v /= 10;
	}
}

char *
util_iso8601(int64_t t, char *buf, size_t bufsz)
{
	struct util_civil c;
	char s[21];

	util_civil(t, &c);
	if (c.year < 0 || c.year > 9999) {
		snprintf(buf, bufsz, "%lld-%02d-%02dT%02d:%02d:%02dZ",
		    (long long)c.year, c.month, c.day, c.hour, c.min, c.sec);
		return buf;
	}
	/* Digits by hand: this runs for every time a page shows. */
	util_digits(s, c.year, 4);
	s[4] = '-';
	util_digits(s + 5, c.month, 2);
	s[7] = '-';
	util_digits(s + 8, c.day, 2);
	s[10] = 'T';
	util_digits(s + 11, c.hour, 2);
	s[13] = ':';
	util_digits(s + 14, c.min, 2);
	s[16] = ':';
	util_digits(s + 17, c.sec, 2);
	s[19] = 'Z';
	s[20] = '\0';
	util_strlcpy(buf, s, bufsz);
	return buf;
}

size_t
util_strlcpy(char *dst, const char *src, size_t dstsz)
{
	size_t n = strlen(src);

	if (dstsz > 0) {
		size_t c = n < dstsz - 1 ? n : dstsz - 1;
		memcpy(dst, src, c);
		dst[c] = '\0';
	}
	return n;
}

/* Append s as a URL query value: RFC 3986 unreserved octets as they are,
 * everything else %XX. */
void
sbuf_url_arg(struct sbuf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	char e[3];

	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
		    c == '~') {
			sbuf_add(b, s, 1);
			continue;
		}
		e[0] = '%';
		e[1] = hex[c >> 4];
		e[2] = hex[c & 15];
		sbuf_add(b, e, 3);
	}
}
