/*
 * form — see form.h.
 */
#define _GNU_SOURCE	/* memmem, strcasestr */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "form.h"
#include "util.h"

static int
form_hex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Decode %XX and '+' in place; -1 for a bad escape or an escaped NUL. */
static int
form_unescape(char *s)
{
	char *o = s;
	int hi, lo;

	for (; *s != '\0'; s++) {
		if (*s == '+')
			*o++ = ' ';
		else if (*s == '%') {
			if ((hi = form_hex((unsigned char)s[1])) < 0 ||
			    (lo = form_hex((unsigned char)s[2])) < 0 ||
			    hi + lo == 0)
				return -1;
			*o++ = (char)(hi * 16 + lo);
			s += 2;
		} else
			*o++ = *s;
	}
	*o = '\0';
	return 0;
}

static int
form_add(struct form *f, const char *name, const char *value, size_t len,
    const char *filename)
{
	if (f->n == FORM_FIELDS_MAX)
		return -1;
	f->f[f->n].name = name;
	f->f[f->n].value = value;
	f->f[f->n].len = len;
	f->f[f->n++].filename = filename;
	return 0;
}

static int
form_urlencoded(struct form *f)
{
	char *p = f->buf, *amp, *eq, *name, *value;

	while (p != NULL && *p != '\0') {
		if ((amp = strchr(p, '&')) != NULL)
			*amp++ = '\0';
		name = p;
		/* No '=': the value is the empty string at the name's end,
		 * inside our buffer (form_unescape() writes to it). */
		if ((eq = strchr(p, '=')) != NULL) {
			*eq = '\0';
			value = eq + 1;
		} else
			value = p + strlen(p);
		p = amp;
		if (*name == '\0')
			continue;
		if (form_unescape(name) == -1 || form_unescape(value) == -1 ||
		    form_add(f, name, value, strlen(value), NULL) == -1)
			return -1;
	}
	return 0;
}

/* The boundary parameter of a multipart Content-Type, or NULL. */
static const char *
form_boundary(const char *ct, char *out, size_t outsz)
{
	const char *b = strcasestr(ct, "boundary=");
	size_t n;

	if (b == NULL)
		return NULL;
	b += 9;
	if (*b == '"') {
		b++;
		n = strcspn(b, "\"");
	} else
		n = strcspn(b, "; \t");
	if (n == 0 || n > 70 || n + 3 > outsz)
		return NULL;
	out[0] = '-';
	out[1] = '-';
	memcpy(out + 2, b, n);
	out[n + 2] = '\0';
	return out;
}

static void *
form_memmem(const void *h, size_t hl, const char *n)
{
	return memmem(h, hl, n, strlen(n));
}

/* Parse one part's headers; name and filename point into the buffer. */
static int
form_part_headers(char *h, char **name, char **filename)
{
	char *line, *next, *p, *q;

	*name = *filename = NULL;
	for (line = h; line != NULL; line = next) {
		if ((next = strstr(line, "\r\n")) != NULL) {
			*next = '\0';
			next += 2;
		}
		if (strncasecmp(line, "Content-Disposition:", 20) != 0)
			continue;
		if ((p = strcasestr(line, " name=\"")) != NULL ||
		    (p = strcasestr(line, ";name=\"")) != NULL) {
			p += 7;
			if ((q = strchr(p, '"')) == NULL)
				return -1;
			*q = '\0';
			*name = p;
			p = q + 1;
		} else
			return -1;
		if ((q = strcasestr(p, "filename=\"")) != NULL) {
			q += 10;
			if ((p = strchr(q, '"')) == NULL)
				return -1;
			*p = '\0';
			*filename = q;
		}
	}
	return *name != NULL ? 0 : -1;
}

static int
form_multipart(struct form *f, size_t len, const char *ct)
{
	char bnd[80], delim[84], *p, *end = f->buf + len, *part, *hend, *next;
	char *name, *filename, *value;

	if (form_boundary(ct, bnd, sizeof(bnd)) == NULL)
		return -1;
	snprintf(delim, sizeof(delim), "\r\n%s", bnd);
	/* The first boundary may start the body without a CRLF before it. */
	if (len < strlen(bnd) || memcmp(f->buf, bnd, strlen(bnd)) != 0)
		return -1;
	p = f->buf + strlen(bnd);
	for (;;) {
		if (end - p >= 2 && p[0] == '-' && p[1] == '-')
			return 0;	/* closing delimiter */
		if (end - p < 2 || p[0] != '\r' || p[1] != '\n')
			return -1;
		part = p + 2;
		if ((hend = form_memmem(part, (size_t)(end - part),
		    "\r\n\r\n")) == NULL)
			return -1;
		/* The delimiter's CRLF may be the blank line's: a part of
		 * headers only (RFC 2046) has an empty value. */
		if ((next = form_memmem(hend + 2, (size_t)(end - hend - 2),
		    delim)) == NULL)
			return -1;
		value = next < hend + 4 ? next : hend + 4;
		*hend = '\0';
		*next = '\0';
		if (form_part_headers(part, &name, &filename) == -1 ||
		    form_add(f, name, value, (size_t)(next - value),
		    filename) == -1)
			return -1;
		p = next + strlen(delim);
	}
}

int
form_parse(struct form *f, const char *data, size_t len, const char *ct)
{
	int rc;

	memset(f, 0, sizeof(*f));
	if ((f->buf = malloc(len + 1)) == NULL)
		return -1;
	if (len > 0)
		memcpy(f->buf, data, len);
	f->buf[len] = '\0';
	if (ct != NULL && strncasecmp(ct, "multipart/form-data", 19) == 0)
		rc = form_multipart(f, len, ct);
	else if (ct == NULL || *ct == '\0' || strncasecmp(ct,
	    "application/x-www-form-urlencoded", 33) == 0)
		rc = memchr(f->buf, '\0', len) != NULL ? -1 : form_urlencoded(f);
	else
		rc = -1;
	if (rc == -1) {
		free(f->buf);
		memset(f, 0, sizeof(*f));
	}
	return rc;
}

void
form_free(struct form *f)
{
	free(f->buf);
	memset(f, 0, sizeof(*f));
}

const struct form_field *
form_next(const struct form *f, const char *name, size_t *i)
{
	for (; *i < f->n; (*i)++)
		if (strcmp(f->f[*i].name, name) == 0)
			return &f->f[(*i)++];
	return NULL;
}

const char *
form_get(const struct form *f, const char *name)
{
	size_t i = 0;
	const struct form_field *ff = form_next(f, name, &i);

	return ff != NULL ? ff->value : NULL;
}

/* Plain text: no control characters, fits the buffer, trimmed. */
static int
form_v_text(const char *in, char *out, size_t outsz, char *err)
{
	size_t n;

	while (*in == ' ' || *in == '\t')
		in++;
	n = strlen(in);
	while (n > 0 && (in[n - 1] == ' ' || in[n - 1] == '\t'))
		n--;
	if (n >= outsz) {
		snprintf(err, VALID_ERR_MAX, "too long (at most %zu characters)",
		    outsz - 1);
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)in[i] < 0x20 || in[i] == 0x7f) {
			snprintf(err, VALID_ERR_MAX, "contains a control "
			    "character");
			return -1;
		}
	memcpy(out, in, n);
	out[n] = '\0';
	return 0;
}

int
form_check(const struct form *f, const struct form_key *keys, size_t nkeys,
    char (*vals)[FORM_VALUE_MAX], char (*errs)[VALID_ERR_MAX])
{
	const char *in;
	char trimmed[FORM_VALUE_MAX];
	size_t k;
	int bad = 0;

	for (k = 0; k < nkeys; k++) {
		vals[k][0] = errs[k][0] = '\0';
		in = form_get(f, keys[k].name);
		if (in == NULL || form_v_text(in, trimmed, sizeof(trimmed),
		    errs[k]) == -1 || trimmed[0] == '\0') {
			if (errs[k][0] == '\0' && keys[k].required)
				snprintf(errs[k], VALID_ERR_MAX, "required");
			/* Keep what the user typed for the form to show
			 * again; a blank optional field is simply "". */
			if (in != NULL && errs[k][0] != '\0')
				util_strlcpy(vals[k], in, FORM_VALUE_MAX);
			bad += errs[k][0] != '\0';
			continue;
		}
		if (keys[k].valid == NULL)
			util_strlcpy(vals[k], trimmed, FORM_VALUE_MAX);
		else if (keys[k].valid(trimmed, vals[k], FORM_VALUE_MAX,
		    errs[k]) == -1) {
			util_strlcpy(vals[k], trimmed, FORM_VALUE_MAX);
			bad++;
		}
	}
	return bad;
}

int
form_v_domain(const char *in, char *out, size_t outsz, char *err)
{
	char a[VALID_NAME_MAX], u[VALID_NAME_MAX * 4];

	if (valid_domain(in, a, u, err) == -1)
		return -1;
	util_strlcpy(out, a, outsz);
	return 0;
}

int
form_v_hostport(const char *in, char *out, size_t outsz, char *err)
{
	return valid_hostport_norm(in, out, outsz, err);
}

int
form_v_int(const char *in, char *out, size_t outsz, char *err)
{
	size_t i;

	for (i = 0; in[i] != '\0'; i++)
		if (!isdigit((unsigned char)in[i]) || i >= 9) {
			snprintf(err, VALID_ERR_MAX, "must be a whole number");
			return -1;
		}
	util_strlcpy(out, in, outsz);
	return 0;
}

int
form_v_bool(const char *in, char *out, size_t outsz, char *err)
{
	if (strcmp(in, "1") == 0 || strcmp(in, "on") == 0 ||
	    strcmp(in, "yes") == 0) {
		util_strlcpy(out, "1", outsz);
		return 0;
	}
	if (strcmp(in, "0") == 0 || strcmp(in, "off") == 0 ||
	    strcmp(in, "no") == 0) {
		util_strlcpy(out, "0", outsz);
		return 0;
	}
	snprintf(err, VALID_ERR_MAX, "must be on or off");
	return -1;
}
