/*
 * ipsec_strerror(): the message for the last libipsec error.
 *
 * Every libipsec call that can fail stores an EIPSEC_* code in the global
 * ipsec_errcode, as KAME's libipsec does; ipsec_strerror() turns it into
 * text.  The wording follows the messages KAME and ipsec-tools print, since
 * setkey shows them to users and scripts match on them.
 */
#include <errno.h>
#include <string.h>

#include <netipsec/ipsec.h>

#include "lib/libipsec/libpfkey.h"

int	ipsec_errcode = EIPSEC_NO_ERROR;

static const char *const ipsec_errmsg[EIPSEC_MAX] = {
	[EIPSEC_NO_ERROR] = "Success",
	[EIPSEC_NOT_SUPPORTED] = "Not supported",
	[EIPSEC_INVAL_ARGUMENT] = "Invalid argument",
	[EIPSEC_INVAL_SADBMSG] = "Invalid sadb message",
	[EIPSEC_INVAL_VERSION] = "Invalid version",
	[EIPSEC_INVAL_POLICY] = "Invalid security policy",
	[EIPSEC_INVAL_ADDRESS] = "Invalid address specification",
	[EIPSEC_INVAL_PROTO] = "Invalid ipsec protocol",
	[EIPSEC_INVAL_MODE] = "Invalid ipsec mode",
	[EIPSEC_INVAL_LEVEL] = "Invalid ipsec level",
	[EIPSEC_INVAL_SATYPE] = "Invalid SA type",
	[EIPSEC_INVAL_MSGTYPE] = "Invalid message type",
	[EIPSEC_INVAL_EXTTYPE] = "Invalid extension type",
	[EIPSEC_INVAL_ALGS] = "Invalid algorithm type",
	[EIPSEC_INVAL_KEYLEN] = "Invalid key length",
	[EIPSEC_INVAL_FAMILY] = "Invalid address family",
	[EIPSEC_INVAL_PREFIXLEN] = "Invalid prefix length",
	[EIPSEC_INVAL_DIR] = "Invalid direction",
	[EIPSEC_INVAL_SPI] = "SPI range violation",
	[EIPSEC_NO_PROTO] = "No protocol specified",
	[EIPSEC_NO_ALGS] = "No algorithm specified",
	[EIPSEC_NO_BUFS] = "No buffers available",
	[EIPSEC_DO_GET_SUPP_LIST] = "Must get supported algorithms list first",
	[EIPSEC_PROTO_MISMATCH] = "Protocol mismatch",
	[EIPSEC_FAMILY_MISMATCH] = "Family mismatch",
	[EIPSEC_FEW_ARGUMENTS] = "Too few arguments",
	/* EIPSEC_SYSTEM_ERROR: the text of errno, see below. */
};

const char *
ipsec_strerror(void)
{
	if (ipsec_errcode == EIPSEC_SYSTEM_ERROR)
		return strerror(errno);
	if (ipsec_errcode < 0 || ipsec_errcode >= EIPSEC_MAX ||
	    ipsec_errmsg[ipsec_errcode] == NULL)
		return "Unknown error";
	return ipsec_errmsg[ipsec_errcode];
}

void
ipsec_set_errcode(int code)
{
	ipsec_errcode = code;
}

void
ipsec_set_syserr(int error)
{
	ipsec_errcode = EIPSEC_SYSTEM_ERROR;
	errno = error;
}
