# Shared by the IKE daemon tests (sourced): the configuration files of
# racoon and charon for one side, PSK authentication, the proposals the
# socket manager's algorithms meet.  Each test says only what differs:
# addresses, identities, traffic selectors, NAT traversal, timers.

# ike_racoon_conf DIR ME PEER PSK SAINFO [natt]: DIR/racoon.conf and
# DIR/psk.txt (its pid file in DIR, no admin socket), main mode with
# PEER; with natt, also listening on ME's port 4500 and nat_traversal on.
ike_racoon_conf() {
	local d=$1 me=$2 peer=$3 psk=$4 sa=$5 natt=${6:-}
	local listen_natt='' nat=''
	if [ -n "$natt" ]; then
		listen_natt="isakmp_natt $me [4500];"
		nat="nat_traversal on;"
	fi
	mkdir -p "$d"
	printf '%s\t%s\n' "$peer" "$psk" >"$d/psk.txt"
	chmod 600 "$d/psk.txt"
	cat >"$d/racoon.conf" <<CONF
path pre_shared_key "$d/psk.txt";
path pidfile "$d/racoon.pid";
listen {
	isakmp $me [500];
	$listen_natt
	adminsock disabled;
}
remote $peer {
	exchange_mode main;
	$nat
	lifetime time 1 hour;
	proposal {
		encryption_algorithm aes 128;
		hash_algorithm sha256;
		authentication_method pre_shared_key;
		dh_group modp2048;
	}
}
sainfo $sa {
	pfs_group modp2048;
	lifetime time 1 hour;
	encryption_algorithm aes 128;
	authentication_algorithm hmac_sha256;
	compression_algorithm deflate;
}
CONF
}

# ike_sw_conf DIR ME PEER LID RID PSK MODE LTS RTS CHILD [CONN]: a fresh
# DIR with strongswan.conf (kernel-pfkey first, the vici socket and the
# log in DIR, DIR/run for the pid directory) and swanctl.conf: one IKEv2
# connection c from ME to PEER, identities LID and RID, and its child k
# in MODE between LTS and RTS with AES-GCM; CHILD and CONN are further
# lines for the child and the connection.
ike_sw_conf() {
	local d=$1 me=$2 peer=$3 lid=$4 rid=$5 psk=$6 mode=$7 lts=$8 rts=$9
	local child=${10} conn=${11:-}
	rm -rf "$d" && mkdir -p "$d/run"
	cat >"$d/strongswan.conf" <<CONF
charon {
	load_modular = no
	load = random nonce openssl kdf kernel-pfkey kernel-netlink socket-default vici
	install_routes = no
	plugins {
		vici {
			socket = unix://$d/charon.vici
		}
	}
	filelog {
		log {
			path = $d/charon.log
			flush_line = yes
			default = 1
			knl = 2
			ike = 2
			cfg = 2
		}
	}
}
swanctl {
	socket = unix://$d/charon.vici
}
CONF
	cat >"$d/swanctl.conf" <<CONF
connections {
	c {
		version = 2
		local_addrs = $me
		remote_addrs = $peer
		proposals = aes128-sha256-modp2048
		$conn
		local {
			auth = psk
			id = $lid
		}
		remote {
			auth = psk
			id = $rid
		}
		children {
			k {
				mode = $mode
				local_ts = $lts
				remote_ts = $rts
				esp_proposals = aes128gcm16-modp2048
				$child
			}
		}
	}
}
secrets {
	ike-ab {
		id-a = a
		id-b = b
		secret = "$psk"
	}
}
CONF
}
