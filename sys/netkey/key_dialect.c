/*
 * The dialect table and the FreeBSD dialect.  FreeBSD's ABI is the
 * internal form, so its translation copies nothing: it refuses the
 * forward direction the engine keeps for Linux clients, and maps the
 * engine's ENOENT for a missing policy back to FreeBSD's EINVAL.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "net/pfkeyv2.h"
#include "netipsec/ipsec.h"
#include "sys/netkey/key_dialect.h"

struct key_dialect_ops {
	int	(*in)(const uint8_t *, size_t, uint8_t *, size_t, size_t *);
	int	(*out)(const uint8_t *, size_t, uint8_t *, size_t, size_t *);
};

static int	freebsd_in(const uint8_t *, size_t, uint8_t *, size_t,
		    size_t *);
static int	freebsd_out(const uint8_t *, size_t, uint8_t *, size_t,
		    size_t *);

static const struct key_dialect_ops dialects[KEY_DIALECT_COUNT] = {
	[KEY_DIALECT_FREEBSD] = { freebsd_in, freebsd_out },
	[KEY_DIALECT_LINUX] = { key_dialect_linux_in, key_dialect_linux_out },
};

/* 8-byte aligned, as the structures of <net/pfkeyv2.h> need. */
static uint64_t inbuf[KEY_DIALECT_OUT_MAX / sizeof(uint64_t)];
/* One per dialect: a message goes out in every dialect at once. */
static uint64_t outbuf[KEY_DIALECT_COUNT][KEY_DIALECT_OUT_MAX /
    sizeof(uint64_t)];

/* SPD messages whose direction FreeBSD checks (key_spdadd, key_spddelete). */
static const bool fwd_refused[SADB_MAX + 1] = {
	[SADB_X_SPDUPDATE] = true,
	[SADB_X_SPDADD] = true,
	[SADB_X_SPDSETIDX] = true,
	[SADB_X_SPDDELETE] = true,
};

/* Where the engine says ENOENT and FreeBSD says EINVAL. */
static const bool enoent_is_einval[SADB_MAX + 1] = {
	[SADB_X_SPDDELETE] = true,
	[SADB_X_SPDDELETE2] = true,
};

int
key_dialect_framed(const uint8_t *msg, size_t len)
{
	const struct sadb_msg *hdr = (const void *)msg;
	const struct sadb_ext *ext;
	size_t off, elen;

	if (len < sizeof(*hdr) || len % 8 != 0 ||
	    PFKEY_UNUNIT64((size_t)hdr->sadb_msg_len) != len)
		return 0;
	for (off = sizeof(*hdr); off < len; off += elen) {
		if (len - off < sizeof(*ext))
			return 0;
		ext = (const void *)(msg + off);
		elen = PFKEY_UNUNIT64((size_t)ext->sadb_ext_len);
		if (elen == 0 || elen > len - off)
			return 0;
	}
	return 1;
}

static int
freebsd_in(const uint8_t *msg, size_t len, uint8_t *out, size_t cap,
    size_t *outlen)
{
	const struct sadb_msg *hdr = (const void *)msg;
	const struct sadb_ext *ext;
	const struct sadb_x_policy *xpl;
	size_t off;

	(void)out;
	(void)cap;
	*outlen = 0;
	if (!key_dialect_framed(msg, len) || hdr->sadb_msg_type > SADB_MAX ||
	    !fwd_refused[hdr->sadb_msg_type])
		return 0;
	for (off = sizeof(*hdr); off < len; off += (size_t)PFKEY_EXTLEN(ext)) {
		ext = (const void *)(msg + off);
		if (ext->sadb_ext_type != SADB_X_EXT_POLICY ||
		    (size_t)PFKEY_EXTLEN(ext) < sizeof(*xpl))
			continue;
		xpl = (const void *)ext;
		if (xpl->sadb_x_policy_dir == IPSEC_DIR_FWD)
			return EINVAL;
	}
	return 0;
}

static int
freebsd_out(const uint8_t *msg, size_t len, uint8_t *out, size_t cap,
    size_t *outlen)
{
	const struct sadb_msg *hdr = (const void *)msg;
	struct sadb_msg *o = (void *)out;

	*outlen = 0;
	if (hdr->sadb_msg_errno != ENOENT || hdr->sadb_msg_type > SADB_MAX ||
	    !enoent_is_einval[hdr->sadb_msg_type] || len > cap)
		return 0;
	memcpy(out, msg, len);
	o->sadb_msg_errno = EINVAL;
	*outlen = len;
	return 0;
}

/*
 * A half that leaves *outlen 0 lets the message through unchanged; one
 * that sets it points the caller at the translated copy.
 */
static int
translate(int (*fn)(const uint8_t *, size_t, uint8_t *, size_t, size_t *),
    uint64_t *buf, const void *msg, size_t len, const void **res,
    size_t *reslen)
{
	size_t n = 0;
	int error;

	*res = msg;
	*reslen = len;
	error = fn(msg, len, (uint8_t *)buf, KEY_DIALECT_OUT_MAX, &n);
	if (error == 0 && n > 0) {
		*res = buf;
		*reslen = n;
	}
	return error;
}

int
key_dialect_in(enum key_dialect d, const void *msg, size_t len,
    const void **res, size_t *reslen)
{
	if ((unsigned)d >= KEY_DIALECT_COUNT)
		d = KEY_DIALECT_FREEBSD;
	return translate(dialects[d].in, inbuf, msg, len, res, reslen);
}

int
key_dialect_out(enum key_dialect d, const void *msg, size_t len,
    const void **res, size_t *reslen)
{
	if ((unsigned)d >= KEY_DIALECT_COUNT)
		d = KEY_DIALECT_FREEBSD;
	return translate(dialects[d].out, outbuf[d], msg, len, res, reslen);
}
