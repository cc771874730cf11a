#include "config.h"

#include "strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
out_of_memory(void)
{
	fputs("citus-rescue: out of memory\n", stderr);
	exit(1);
}

void *
xmalloc(size_t size)
{
	void	   *p = malloc(size ? size : 1);

	if (p == NULL)
		out_of_memory();
	return p;
}

void *
xcalloc(size_t n, size_t size)
{
	void	   *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		out_of_memory();
	return p;
}

void *
xrealloc(void *ptr, size_t size)
{
	void	   *p = realloc(ptr, size ? size : 1);

	if (p == NULL)
		out_of_memory();
	return p;
}

char *
xstrdup(const char *s)
{
	char	   *p = strdup(s);

	if (p == NULL)
		out_of_memory();
	return p;
}

char *
xstrndup(const char *s, size_t len)
{
	char	   *copy = xmalloc(len + 1);

	memcpy(copy, s, len);
	copy[len] = '\0';
	return copy;
}

char *
xstrdup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

char *
xvasprintf(const char *fmt, va_list ap)
{
	StrBuf		buf;

	strbuf_init(&buf);
	strbuf_vprintf(&buf, fmt, ap);
	return strbuf_steal(&buf);
}

char *
xasprintf(const char *fmt,...)
{
	va_list		ap;
	char	   *text;

	va_start(ap, fmt);
	text = xvasprintf(fmt, ap);
	va_end(ap);
	return text;
}

void
strbuf_init(StrBuf *buf)
{
	buf->cap = 64;
	buf->len = 0;
	buf->data = xmalloc(buf->cap);
	buf->data[0] = '\0';
}

void
strbuf_free(StrBuf *buf)
{
	free(buf->data);
	buf->data = NULL;
	buf->len = buf->cap = 0;
}

void
strbuf_reset(StrBuf *buf)
{
	buf->len = 0;
	buf->data[0] = '\0';
}

static void
strbuf_reserve(StrBuf *buf, size_t extra)
{
	size_t		need = buf->len + extra + 1;

	if (need <= buf->cap)
		return;
	while (buf->cap < need)
		buf->cap *= 2;
	buf->data = xrealloc(buf->data, buf->cap);
}

void
strbuf_append_len(StrBuf *buf, const char *s, size_t len)
{
	strbuf_reserve(buf, len);
	memcpy(buf->data + buf->len, s, len);
	buf->len += len;
	buf->data[buf->len] = '\0';
}

void
strbuf_append(StrBuf *buf, const char *s)
{
	strbuf_append_len(buf, s, strlen(s));
}

void
strbuf_append_char(StrBuf *buf, char c)
{
	strbuf_append_len(buf, &c, 1);
}

void
strbuf_vprintf(StrBuf *buf, const char *fmt, va_list ap)
{
	va_list		copy;
	int			n;

	va_copy(copy, ap);
	n = vsnprintf(buf->data + buf->len, buf->cap - buf->len, fmt, copy);
	va_end(copy);
	if (n < 0)
		return;
	if ((size_t) n >= buf->cap - buf->len)
	{
		strbuf_reserve(buf, (size_t) n);
		vsnprintf(buf->data + buf->len, buf->cap - buf->len, fmt, ap);
	}
	buf->len += (size_t) n;
}

void
strbuf_printf(StrBuf *buf, const char *fmt,...)
{
	va_list		ap;

	va_start(ap, fmt);
	strbuf_vprintf(buf, fmt, ap);
	va_end(ap);
}

char *
strbuf_steal(StrBuf *buf)
{
	char	   *s = buf->data;

	buf->data = NULL;
	buf->len = buf->cap = 0;
	return s;
}

void
strlist_add(StrList *list, const char *item)
{
	list->items = xrealloc(list->items, sizeof(char *) * (size_t) (list->count + 1));
	list->items[list->count++] = xstrdup(item);
}

bool
strlist_has(const StrList *list, const char *item)
{
	for (int i = 0; list && i < list->count; i++)
		if (strcmp(list->items[i], item) == 0)
			return true;
	return false;
}

void
strlist_free(StrList *list)
{
	for (int i = 0; i < list->count; i++)
		free(list->items[i]);
	free(list->items);
	list->items = NULL;
	list->count = 0;
}

void
strlist_copy(StrList *dst, const StrList *src)
{
	memset(dst, 0, sizeof(*dst));
	for (int i = 0; i < src->count; i++)
		strlist_add(dst, src->items[i]);
}
