/*
 * Upper-layer protocols of setkey selectors (internal to libipsec): the
 * names setkey knows itself, then /etc/protocols, then numbers.
 */
#ifndef LIB_LIBIPSEC_SETKEY_UPPER_H
#define LIB_LIBIPSEC_SETKEY_UPPER_H

#include <stdbool.h>
#include <stdint.h>

/* name -> protocol number (255 for "any"); 0 or -1 when unknown. */
int	setkey_upper_lookup(const char *name, uint8_t *proto);
/* The protocol's selectors take "type,code" (ICMP, ICMPv6). */
bool	setkey_upper_has_types(uint8_t proto);
/* "type,code" -> numbers, each 0..255; 0 or -1. */
int	setkey_upper_typecode(const char *s, uint16_t *type, uint16_t *code);

#endif
