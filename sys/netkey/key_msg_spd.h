/*
 * PF_KEY messages of the Security Policy Database: the handlers of the
 * SADB_X_SPD* requests (plugged into key_dispatch.c's table), the
 * conversion between struct ipsec_policy and its PF_KEY form, the
 * SADB_X_SPDDUMP stream, and the two notifications the engine sends about
 * policies, SADB_X_SPDEXPIRE and SADB_X_SPDACQUIRE.
 *
 * Files: key_msg_spd.c (handlers), key_policy_msg.c (conversion),
 * key_dump_spd.c (dump), key_spdexpire.c (notifications).
 *
 * Error numbers follow FreeBSD where it differs from KAME on purpose and
 * KAME otherwise; each choice is commented where it is made.
 */
#ifndef SYS_NETKEY_KEY_MSG_SPD_H
#define SYS_NETKEY_KEY_MSG_SPD_H

#include <stdbool.h>
#include <stdint.h>

#include "sys/netkey/key_policy.h"

struct keysock;
struct key_msg;
struct key_buf;

/* Handlers for key_dispatch.c (contract in key_dispatch.h). */
int	key_spdadd(struct keysock *from, const struct key_msg *m);
int	key_spddelete(struct keysock *from, const struct key_msg *m);
int	key_spddelete2(struct keysock *from, const struct key_msg *m);
int	key_spdget(struct keysock *from, const struct key_msg *m);
int	key_spdflush(struct keysock *from, const struct key_msg *m);
int	key_spddump(struct keysock *from, const struct key_msg *m);

/*
 * Build a new policy from a parsed SPDADD, SPDUPDATE, SPDSETIDX or
 * SPDDELETE message: selector from the address extensions, direction,
 * type, priority and requests from the x_policy extension, lifetime and
 * validtime from LIFETIME_HARD.  With allow_empty, an IPSEC policy may
 * have no request (SPDSETIDX, SPDDELETE).  Returns 0 and a policy holding
 * one reference in *pp, or an errno (EINVAL, EPROTONOSUPPORT, ENOMEM).
 */
int	key_policy_from_msg(const struct key_msg *m, bool allow_empty,
	    struct ipsec_policy **pp);

/*
 * A socket's own policy (IP_IPSEC_POLICY, ipsec_pcb.h) from an x_policy
 * extension that key_parse_reply() has checked: direction, type, priority
 * and requests, no selector.  An IPSEC policy needs a request with a valid
 * mode and level.  0 and a referenced policy in *pp, or EINVAL,
 * EPROTONOSUPPORT, ENOMEM.  Which types a socket may use is the caller's
 * business.
 */
int	key_policy_from_xpolicy(const struct sadb_x_policy *xpl,
	    struct ipsec_policy **pp);

/*
 * Only the direction and selector of such a message (SPDDELETE), with the
 * same checks of direction and type.  0 or EINVAL.
 */
int	key_policy_selector_from_msg(const struct key_msg *m, uint8_t *dir,
	    struct ipsec_selector *sel);

/*
 * Append a policy's extensions to a message being built: the selector as
 * ADDRESS_SRC and ADDRESS_DST (ports in network order inside the
 * sockaddrs), the x_policy extension with its requests, and the two
 * lifetimes (CURRENT: created and last used; HARD: lifetime and
 * validtime).  Errors are the builder's sticky ones.
 */
void	key_policy_build_addresses(struct key_buf *b,
	    const struct ipsec_policy *p);
void	key_policy_build_policy(struct key_buf *b,
	    const struct ipsec_policy *p);
void	key_policy_build_lifetimes(struct key_buf *b,
	    const struct ipsec_policy *p);

/*
 * A whole record as SPDGET, SPDDUMP and SPDEXPIRE carry it: the base
 * header (satype UNSPEC, seq, pid, sadb_msg_reserved = refcnt), then the
 * extensions above.  Ends the message: 0 or the builder's error.
 */
int	key_policy_build_record(struct key_buf *b,
	    const struct ipsec_policy *p, uint8_t type, uint32_t seq,
	    uint32_t pid, uint16_t refcnt);

/*
 * Start and stop the SPD side of the PF_KEY layer: key_msg_spd_init()
 * makes the SPD report expired policies as SADB_X_SPDEXPIRE to the
 * registered sockets; key_msg_spd_fini() undoes that and forgets the
 * SPDACQUIRE rate-limiting state.
 */
void	key_msg_spd_init(void);
void	key_msg_spd_fini(void);

/* SADB_X_SPDEXPIRE for a policy the SPD has just removed. */
int	key_spdexpire(struct ipsec_policy *p);

/*
 * For the packet path: traffic matched policy p, an IPSEC policy without
 * requests (made by SPDSETIDX), so a key management daemon must supply
 * them.  Sends SADB_X_SPDACQUIRE <base, address(SD), x_policy> to the
 * registered sockets, at most once per policy until either
 * net.key.blockacq_count further triggers have been suppressed or
 * net.key.blockacq_lifetime seconds have passed (KAME's spacq list).
 * Returns 0 (sent or suppressed), EINVAL for a policy that needs no
 * acquire, or ENOBUFS.
 */
int	key_spdacquire(const struct ipsec_policy *p);

/* Once a second: forget rate-limiting entries older than the lifetime. */
void	key_spdacquire_timer(void);

/* Policies with rate-limiting state (tests). */
unsigned int key_spdacquire_count(void);

#endif
