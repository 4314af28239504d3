/*
 * IPComp deflate (RFC 2394) with zlib, parameters as KAME's ipcomp_core.c
 * chose them: raw deflate (negative window bits: no zlib header and no
 * Adler-32, as the RFC's format requires), a 4 KB window (2^12) and the
 * largest memLevel outbound, default compression level, and a 32 KB
 * window inbound so that any conforming peer's output inflates.
 *
 * Both streams are set up when the SA is installed (zlib allocates there,
 * about 280 KB for deflate, 40 KB for inflate with its window, which is
 * made at once rather than on the first packet), and so is the session's
 * own output buffer, large enough for any IP packet, that IPComp
 * compresses and decompresses into before copying the result back into
 * the packet; per packet the streams are reset, which zlib does without
 * allocating.  Each packet is compressed on its own (RFC 3173 section
 * 2.2: no history across packets).
 */
#include <errno.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <zlib.h>

#include "sys/crypto/crypto_var.h"

#define DEFLATE_WBITS_OUT	12
#define DEFLATE_WBITS_IN	MAX_WBITS
#define DEFLATE_MEMLEVEL	MAX_MEM_LEVEL

struct crypto_comp {
	const struct crypto_alg	*alg;
	z_stream		 def;
	z_stream		 inf;
	bool			 def_ok;
	bool			 inf_ok;
	uint8_t			*buf;		/* CRYPTO_COMP_BUFLEN bytes */
};

/*
 * zlib allocates through these, so that its allocations can be counted:
 * they all happen when a session is made, none per packet, and a test
 * holds the packet path to that.
 */
static atomic_ulong zalloc_calls;

static voidpf
comp_zalloc(voidpf opaque, uInt items, uInt size)
{
	(void)opaque;
	atomic_fetch_add_explicit(&zalloc_calls, 1, memory_order_relaxed);
	return calloc(items, size);
}

static void
comp_zfree(voidpf opaque, voidpf p)
{
	(void)opaque;
	free(p);
}

unsigned long
crypto_comp_allocs(void)
{
	return atomic_load_explicit(&zalloc_calls, memory_order_relaxed);
}

/*
 * zlib allocates the inflate window lazily, the first time a call ends
 * with output produced and the stream unfinished: a truncated packet
 * would make the allocation on the packet path.  A stored block cut
 * short does that here, at set-up, and the window is kept across resets.
 */
static bool
prime_window(z_stream *inf)
{
	static const uint8_t cut[] = { 0x00, 0x05, 0x00, 0xfa, 0xff, 'a' };
	uint8_t out[8];

	inf->next_in = (Bytef *)(uintptr_t)cut;
	inf->avail_in = sizeof(cut);
	inf->next_out = out;
	inf->avail_out = sizeof(out);
	return inflate(inf, Z_FINISH) == Z_BUF_ERROR &&
	    inflateReset(inf) == Z_OK;
}

int
crypto_comp_new(const struct crypto_alg *alg, unsigned flags,
    struct crypto_comp **compp)
{
	struct crypto_comp *c;

	(void)flags;
	*compp = NULL;
	if (alg == NULL || alg->kind != CRYPTO_KIND_COMP ||
	    !crypto_alg_available(alg))
		return EINVAL;
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return ENOMEM;
	c->alg = alg;
	c->buf = malloc(CRYPTO_COMP_BUFLEN);
	c->def.zalloc = c->inf.zalloc = comp_zalloc;
	c->def.zfree = c->inf.zfree = comp_zfree;
	c->def_ok = deflateInit2(&c->def, Z_DEFAULT_COMPRESSION, Z_DEFLATED,
	    -DEFLATE_WBITS_OUT, DEFLATE_MEMLEVEL, Z_DEFAULT_STRATEGY) == Z_OK;
	c->inf_ok = inflateInit2(&c->inf, -DEFLATE_WBITS_IN) == Z_OK;
	if (c->inf_ok && !prime_window(&c->inf)) {
		crypto_comp_free(c);
		return ENOMEM;
	}
	if (c->buf == NULL || !c->def_ok || !c->inf_ok) {
		crypto_comp_free(c);
		return ENOMEM;
	}
	*compp = c;
	return 0;
}

void
crypto_comp_free(struct crypto_comp *c)
{
	if (c == NULL)
		return;
	if (c->def_ok)
		deflateEnd(&c->def);
	if (c->inf_ok)
		inflateEnd(&c->inf);
	/* It held packet payloads in the clear. */
	if (c->buf != NULL)
		OPENSSL_cleanse(c->buf, CRYPTO_COMP_BUFLEN);
	free(c->buf);
	free(c);
}

uint8_t *
crypto_comp_buffer(struct crypto_comp *c)
{
	return c->buf;
}

/*
 * Compress one payload into out.  CRYPTO_ERR_NOSPACE when it does not fit
 * outcap: IPComp passes outcap = inlen - 1 and sends the packet
 * uncompressed on that answer (RFC 3173 section 2.2).
 */
int
crypto_compress(struct crypto_comp *c, const uint8_t *in, size_t inlen,
    uint8_t *out, size_t outcap, size_t *outlen)
{
	int zrc;

	*outlen = 0;
	if (inlen > UINT_MAX || outcap > UINT_MAX)
		return CRYPTO_ERR_LEN;
	if (deflateReset(&c->def) != Z_OK)
		return CRYPTO_ERR_INTERNAL;
	c->def.next_in = (Bytef *)(uintptr_t)in;
	c->def.avail_in = (uInt)inlen;
	c->def.next_out = out;
	c->def.avail_out = (uInt)outcap;
	zrc = deflate(&c->def, Z_FINISH);
	if (zrc == Z_OK || zrc == Z_BUF_ERROR)
		return CRYPTO_ERR_NOSPACE;
	if (zrc != Z_STREAM_END)
		return CRYPTO_ERR_INTERNAL;
	*outlen = outcap - c->def.avail_out;
	return CRYPTO_OK;
}

/*
 * Decompress one payload.  CRYPTO_ERR_NOSPACE when the result exceeds
 * outcap (the caller's limit, e.g. the largest IP datagram),
 * CRYPTO_ERR_DATA when the input is not one complete deflate stream.
 */
int
crypto_decompress(struct crypto_comp *c, const uint8_t *in, size_t inlen,
    uint8_t *out, size_t outcap, size_t *outlen)
{
	int zrc;

	*outlen = 0;
	if (inlen > UINT_MAX || outcap > UINT_MAX)
		return CRYPTO_ERR_LEN;
	if (inflateReset(&c->inf) != Z_OK)
		return CRYPTO_ERR_INTERNAL;
	c->inf.next_in = (Bytef *)(uintptr_t)in;
	c->inf.avail_in = (uInt)inlen;
	c->inf.next_out = out;
	c->inf.avail_out = (uInt)outcap;
	zrc = inflate(&c->inf, Z_FINISH);
	if (zrc == Z_STREAM_END) {
		*outlen = outcap - c->inf.avail_out;
		return CRYPTO_OK;
	}
	if (zrc == Z_DATA_ERROR || zrc == Z_NEED_DICT)
		return CRYPTO_ERR_DATA;
	if (c->inf.avail_out == 0)
		return CRYPTO_ERR_NOSPACE;
	/* Input ran out before the final block: truncated stream. */
	return CRYPTO_ERR_DATA;
}
