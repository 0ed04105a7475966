/*
 * adate — AutoDNS date formats.  See adate.h.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "adate.h"

char *
adate_format(int64_t t, char buf[ADATE_MAX])
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL ||
	    strftime(buf, ADATE_MAX, "%Y-%m-%dT%H:%M:%S.000+0000", &tm) == 0)
		buf[0] = '\0';
	return buf;
}

char *
adate_format_xml(int64_t t, char buf[ADATE_MAX])
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL ||
	    strftime(buf, ADATE_MAX, "%Y-%m-%d %H:%M:%S", &tm) == 0)
		buf[0] = '\0';
	return buf;
}

/* n digits at *s as a number; -1 when they are not all digits. */
static int
adate_num(const char **s, int n)
{
	int v = 0;

	for (; n > 0; n--, (*s)++) {
		if (!isdigit((unsigned char)**s))
			return -1;
		v = v * 10 + (**s - '0');
	}
	return v;
}

static int
adate_mdays(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : days[m - 1];
}

/* "HH:MM:SS" with optional ".fff…" into tm; -1 when malformed. */
static int
adate_time(const char **s, struct tm *tm)
{
	tm->tm_hour = adate_num(s, 2);
	if (tm->tm_hour < 0 || tm->tm_hour > 23 || *(*s)++ != ':')
		return -1;
	tm->tm_min = adate_num(s, 2);
	if (tm->tm_min < 0 || tm->tm_min > 59 || *(*s)++ != ':')
		return -1;
	tm->tm_sec = adate_num(s, 2);
	if (tm->tm_sec < 0 || tm->tm_sec > 59)
		return -1;
	if (**s == '.') {
		(*s)++;
		if (!isdigit((unsigned char)**s))
			return -1;
		while (isdigit((unsigned char)**s))
			(*s)++;		/* sub-second parts are dropped */
	}
	return 0;
}

/* "", "Z", "+HHMM", "+HH:MM", "-HH…" into seconds east of UTC. */
static int
adate_zone(const char *s, long *off)
{
	int sign, h, m;

	*off = 0;
	if (*s == '\0' || (s[0] == 'Z' && s[1] == '\0'))
		return 0;
	if (*s != '+' && *s != '-')
		return -1;
	sign = *s++ == '-' ? -1 : 1;
	if ((h = adate_num(&s, 2)) < 0 || h > 23)
		return -1;
	if (*s == ':')
		s++;
	if ((m = adate_num(&s, 2)) < 0 || m > 59 || *s != '\0')
		return -1;
	*off = sign * (h * 3600L + m * 60L);
	return 0;
}

int
adate_parse(const char *s, int64_t *t)
{
	struct tm tm;
	long off = 0;
	int y, mo, d;

	memset(&tm, 0, sizeof(tm));
	if ((y = adate_num(&s, 4)) < 1970 || *s++ != '-' ||
	    (mo = adate_num(&s, 2)) < 1 || mo > 12 || *s++ != '-' ||
	    (d = adate_num(&s, 2)) < 1 || d > adate_mdays(y, mo))
		return -1;
	if (*s == 'T' || *s == ' ') {
		s++;
		if (adate_time(&s, &tm) == -1 || adate_zone(s, &off) == -1)
			return -1;
	} else if (*s != '\0')
		return -1;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	*t = (int64_t)timegm(&tm) - off;
	return 0;
}
